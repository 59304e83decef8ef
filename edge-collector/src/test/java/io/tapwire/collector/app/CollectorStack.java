package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.raw.FileEvent;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.settings.TypedProperties;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;

/**
 * What one collector *KernelIT class shares: an embedded broker, the schema registry, the raw topics, the collector
 * producing to them (in this JVM, or started by the test as its own process), and one {@link RawTopicReader} per
 * topic. Starting it costs about three seconds, so a class starts it once ({@code @BeforeAll}) and its tests tell
 * their records apart by pid, port or socket inode.
 */
final class CollectorStack implements AutoCloseable {

    static final String CLUSTER = "test";

    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryServer registry;
    private final Map<TapwireTopic, RawTopicReader<?>> readers = new EnumMap<>(TapwireTopic.class);
    private Collector collector;

    private CollectorStack(EmbeddedKafkaBroker broker, SchemaRegistryServer registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** Broker, registry and raw topics (two partitions each); no collector yet. Fails on a machine without BPF. */
    static CollectorStack startKafka() {
        KernelPrerequisites.requireAll();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        SchemaRegistryServer registry = null;
        try {
            registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers()).port(0).build().start();
            Properties topics = new Properties();
            topics.setProperty("tapwire.topics.partitions", "2");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topics).plan());
            }
            return new CollectorStack(broker, registry);
        } catch (RuntimeException | Error e) {
            if (registry != null) {
                registry.close();
            }
            broker.close();
            throw e;
        }
    }

    /**
     * The collector's settings for this stack. The test JVM itself causes most of the activity, so it is observed:
     * exclude-self is off (with it on, the JVM's children would be hidden too).
     */
    Properties collectorProperties() {
        Properties props = new Properties();
        props.setProperty("tapwire.kafka.bootstrap-servers", broker.bootstrapServers());
        props.setProperty("tapwire.registry.url", registry.url());
        props.setProperty("tapwire.collector.cluster", CLUSTER);
        props.setProperty("tapwire.collector.exclude-self", "false");
        props.setProperty("tapwire.collector.metrics-port", "0");
        props.setProperty("tapwire.collector.heartbeat-interval", "1s");
        return props;
    }

    /** Starts the collector in this JVM with {@link #collectorProperties()}. */
    Collector startCollector() {
        return startCollector(collectorProperties());
    }

    Collector startCollector(Properties props) {
        if (collector != null) {
            throw new IllegalStateException("this stack already runs a collector");
        }
        collector = Collector.start(CollectorSettings.from(new TypedProperties(props)));
        assertThat(collector.producerReady()).as("the collector reached the broker and the registry").isTrue();
        return collector;
    }

    /** Stops the collector: its programs detach and what it produced is flushed. */
    void stopCollector() {
        if (collector != null) {
            collector.close();
            collector = null;
        }
    }

    RawTopicReader<ProcessEvent> processes() {
        return reader(TapwireTopic.RAW_PROCESS, ProcessEvent.class);
    }

    RawTopicReader<TcpEvent> tcp() {
        return reader(TapwireTopic.RAW_TCP, TcpEvent.class);
    }

    RawTopicReader<FileEvent> files() {
        return reader(TapwireTopic.RAW_FILE, FileEvent.class);
    }

    RawTopicReader<PayloadEvent> payloads() {
        return reader(TapwireTopic.RAW_L7, PayloadEvent.class);
    }

    RawTopicReader<NodeInventory> inventory() {
        return reader(TapwireTopic.RAW_INVENTORY, NodeInventory.class);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> RawTopicReader<T> reader(TapwireTopic topic, Class<T> type) {
        return (RawTopicReader<T>) readers.computeIfAbsent(topic,
                t -> new RawTopicReader<>(broker.bootstrapServers(), registry.url(), t, type));
    }

    @Override
    public void close() {
        try {
            stopCollector();
        } finally {
            readers.values().forEach(RawTopicReader::close);
            registry.close();
            broker.close();
        }
    }
}
