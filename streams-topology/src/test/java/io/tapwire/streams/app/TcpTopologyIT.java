package io.tapwire.streams.app;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.listen;
import static io.tapwire.streams.TopologyHarness.namespace;
import static io.tapwire.streams.TopologyHarness.process;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import io.tapwire.streams.RawHeartbeats;
import io.tapwire.streams.TopologySerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole topology on a real broker, every topic with 4 partitions, so each sub-topology runs as 4 tasks with
 * their own stream time. One connection's changes reach one partition of each repartition topic; after it only
 * heartbeats arrive, as the collector writes them (one per partition of the raw topics). The window still closes:
 * heartbeats are broadcast to every partition at every repartition, or the task holding the window would never
 * see time pass.
 */
class TcpTopologyIT {

    private static final int PARTITIONS = 4;
    /**
     * Event time of the scenario: an hour ago, on a minute boundary. The broker refuses timestamps more than an
     * hour in the future (log.message.timestamp.after.max.ms), so the fixed dates of the other tests will not do.
     */
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);

    @Test
    void aWindowClosesOnAPartitionThatAfterItsDataReceivesOnlyHeartbeats(@TempDir Path state) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(state.resolve("kafka")).build().start();
             StubRegistry registry = new StubRegistry()) {
            Properties topicProps = new Properties();
            topicProps.setProperty("tapwire.topics.partitions", Integer.toString(PARTITIONS));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topicProps).plan());
            }
            Properties props = new Properties();
            props.setProperty("tapwire.kafka.bootstrap-servers", broker.bootstrapServers());
            props.setProperty("tapwire.registry.url", registry.url());
            props.setProperty("tapwire.streams.state-dir", state.resolve("streams").toString());
            props.setProperty("tapwire.streams.replication-factor", "1");
            props.setProperty("tapwire.streams.application-id", "tcp-topology-it");
            StreamsSettings settings = StreamsSettings.fromProperties(props);
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));

            try (TopologyRunner runner = new TopologyRunner(settings).start(Duration.ofSeconds(120));
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                         ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer())) {
                Raw raw = new Raw(producer, serdes);
                raw.exec("node-2", 100, 70, "/usr/bin/api", "0::/system.slice/api.service", 0);
                raw.send(TapwireTopic.RAW_INVENTORY, new NodeKey("prod", "node-1").format(), snapshot(raw), 100);
                TaskContext client = task(100, 70, "api", HOST_NS);
                raw.tcp(TcpEvent.newBuilder().setTask(client).setType(TcpEventType.CONNECT_OK).setSocketInode(1)
                        .setRole(ConnectionRole.CLIENT).setTuple(tuple("10.0.0.2", 41000, "10.0.0.1", 8080))
                        .setHandshakeNs(250_000L), "node-2", 5_000);
                raw.tcp(TcpEvent.newBuilder().setTask(client).setType(TcpEventType.CLOSE).setSocketInode(1)
                        .setRole(ConnectionRole.CLIENT).setTuple(tuple("10.0.0.2", 41000, "10.0.0.1", 8080))
                        .setBytesSent(100L).setBytesReceived(200L), "node-2", 6_000);
                for (long t = 7_000; t <= 70_000; t += 1_000) {
                    raw.heartbeats(t);
                }
                producer.flush();

                List<TcpMetric> finals = readFinals(broker, serdes, Duration.ofSeconds(120));
                assertThat(finals).singleElement().satisfies(m -> {
                    assertThat(m.getClientService()).isEqualTo("/system.slice/api.service");
                    assertThat(m.getServerService()).isEqualTo("/system.slice/nginx.service");
                    assertThat(m.getDestination()).isEqualTo("10.0.0.1:8080");
                    assertThat(m.getSuccessfulConnects()).isEqualTo(1);
                    assertThat(m.getClosedConnections()).isEqualTo(1);
                    assertThat(m.getBytesSent()).isEqualTo(100);
                });
            }
        }
    }

    private static NodeInventory snapshot(Raw raw) {
        RawHeader h = raw.header("node-1", 100);
        return NodeInventory.newBuilder().setHeader(h).setTask(task(1, 1, "collector", HOST_NS))
                .setHostname("node-1").setKernelRelease("6.18").setCollectorVersion("test").setClockOffsetNs(0)
                .setSnapshotId(h.getSeq()).setPart(0).setParts(1)
                .setNamespaces(List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.1")))
                .setProcesses(List.of(process(300, 5, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS)))
                .setListeners(List.of(listen(HOST_NS, 900, 300, "0.0.0.0", 8080)))
                .build();
    }

    private static List<TcpMetric> readFinals(EmbeddedKafkaBroker broker, TopologySerdes serdes, Duration timeout) {
        List<TcpMetric> finals = new ArrayList<>();
        try (KafkaConsumer<String, TcpMetric> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "tcp-topology-it-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), serdes.of(TcpMetric.class).deserializer())) {
            consumer.subscribe(List.of(TapwireTopic.TCP_METRICS.topicName()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (finals.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, TcpMetric> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value().getFinal$()) {
                        finals.add(record.value());
                    }
                }
            }
            // anything else final that was about to arrive
            for (ConsumerRecord<String, TcpMetric> record : consumer.poll(Duration.ofSeconds(3))) {
                if (record.value().getFinal$()) {
                    finals.add(record.value());
                }
            }
        }
        return finals;
    }

    /** Raw records in the wire format, as the collector produces them. */
    private static final class Raw {
        private final KafkaProducer<String, byte[]> producer;
        private final TopologySerdes serdes;
        private long seq;

        Raw(KafkaProducer<String, byte[]> producer, TopologySerdes serdes) {
            this.producer = producer;
            this.serdes = serdes;
        }

        RawHeader header(String node, long atMs) {
            return RawHeader.newBuilder().setCluster("prod").setNode(node).setBootId("boot-1").setSeq(++seq)
                    .setKernelTimeNs(seq).setEpochTimeNs((T0.toEpochMilli() + atMs) * 1_000_000L).build();
        }

        void exec(String node, int pid, long start, String exe, String cgroup, long atMs) {
            send(TapwireTopic.RAW_PROCESS, new NodePidKey("prod", node, pid).format(), ProcessEvent.newBuilder()
                    .setHeader(header(node, atMs)).setTask(task(pid, start, exe.substring(exe.lastIndexOf('/') + 1), HOST_NS))
                    .setType(ProcessEventType.EXEC).setPpid(1).setStartTimeTicks(start).setExecFilename(exe).setExe(exe)
                    .setCgroupPath(cgroup).build(), atMs);
        }

        void tcp(TcpEvent.Builder event, String node, long atMs) {
            TcpEvent built = event.setHeader(header(node, atMs)).build();
            send(TapwireTopic.RAW_TCP, new ConnectionKey("prod", node, "boot-1", built.getSocketInode()).format(), built, atMs);
        }

        /** One heartbeat to every partition of every raw topic the topology reads, as the collector's sender does. */
        void heartbeats(long atMs) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                RawHeader h = header("node-2", atMs);
                h.setHeartbeat(true);
                TcpEvent tcp = TcpEvent.newBuilder().setHeader(h).setTask(task(1, 1, "collector", HOST_NS))
                        .setType(TcpEventType.UNKNOWN).setSocketInode(0).setRole(ConnectionRole.UNKNOWN)
                        .setTuple(tuple("", 0, "", 0)).build();
                sendTo(TapwireTopic.RAW_TCP, partition, new ConnectionKey("prod", "node-2", "boot-1", 0).format(), tcp, atMs);
                RawHeader p = header("node-2", atMs);
                p.setHeartbeat(true);
                sendTo(TapwireTopic.RAW_PROCESS, partition, new NodePidKey("prod", "node-2", 0).format(),
                        ProcessEvent.newBuilder().setHeader(p).setTask(task(1, 1, "collector", HOST_NS))
                                .setType(ProcessEventType.UNKNOWN).setPpid(0).setStartTimeTicks(0).build(), atMs);
                sendTo(TapwireTopic.RAW_L7, partition, new ConnectionKey("prod", "node-2", "boot-1", 0).format(),
                        RawHeartbeats.of(TapwireTopic.RAW_L7, header("node-2", atMs)), atMs);
                RawHeader i = header("node-2", atMs);
                i.setHeartbeat(true);
                sendTo(TapwireTopic.RAW_INVENTORY, partition, new NodeKey("prod", "node-2").format(),
                        NodeInventory.newBuilder().setHeader(i).setTask(task(1, 1, "collector", HOST_NS)).setHostname("")
                                .setKernelRelease("").setCollectorVersion("").setClockOffsetNs(0).setSnapshotId(0)
                                .setPart(0).setParts(0).build(), atMs);
            }
        }

        @SuppressWarnings("unchecked")
        <V extends SpecificRecord> void send(TapwireTopic topic, String key, V value, long atMs) {
            sendTo(topic, null, key, value, atMs);
        }

        @SuppressWarnings("unchecked")
        <V extends SpecificRecord> void sendTo(TapwireTopic topic, Integer partition, String key, V value, long atMs) {
            byte[] bytes = serdes.of((Class<V>) value.getClass()).serializer().serialize(topic.topicName(), value);
            producer.send(new ProducerRecord<>(topic.topicName(), partition, T0.toEpochMilli() + atMs, key, bytes));
        }
    }
}
