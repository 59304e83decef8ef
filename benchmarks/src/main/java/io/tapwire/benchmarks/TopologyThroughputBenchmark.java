package io.tapwire.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.app.StreamsSettings;
import io.tapwire.streams.app.TapwireTopology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Raw events per second through the topology on one stream thread, side by side in one run with a pass-through
 * topology (read the raw bytes, write them to another topic, exactly-once) on the same embedded broker: the
 * practical limit of the broker and Kafka Streams here. Target (issue "Stream processing I"): ≥ 50% of
 * pass-through. Usage: TopologyThroughputBenchmark [EVENTS]
 */
public final class TopologyThroughputBenchmark {

    private static final String RAW = TapwireTopic.RAW_PROCESS.topicName();

    private TopologyThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path state = Files.createTempDirectory("tapwire-bench-streams-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             SchemaRegistryServer registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                     .port(0).build().start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Properties topics = new Properties();
            topics.setProperty("tapwire.topics.partitions", "2");
            new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topics).plan());
            produce(broker.bootstrapServers(), registry.url(), events);
            System.out.printf("produced %d raw process events%n", events);

            Properties base = new Properties();
            base.setProperty("tapwire.kafka.bootstrap-servers", broker.bootstrapServers());
            base.setProperty("tapwire.registry.url", registry.url());
            base.setProperty("tapwire.streams.state-dir", state.toString());

            StreamsSettings passSettings = settings(base, "bench-passthrough");
            double pass = run(admin, passThrough(), passSettings, events, "pass-through");
            StreamsSettings tapwireSettings = settings(base, "bench-topology");
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            double topology = run(admin, TapwireTopology.build(tapwireSettings, serdes, 2), tapwireSettings, events, "topology");
            System.out.printf("RESULT passthrough_events_per_s=%.0f topology_events_per_s=%.0f ratio=%.2f%n",
                    pass, topology, topology / pass);
        }
    }

    private static StreamsSettings settings(Properties base, String applicationId) {
        Properties props = new Properties();
        props.putAll(base);
        props.setProperty("tapwire.streams.application-id", applicationId);
        return StreamsSettings.fromProperties(props);
    }

    private static Topology passThrough() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(RAW, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .to("bench.passthrough.v1", Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    /** Runs a topology until its group has committed every input offset; returns events per second. */
    private static double run(Admin admin, Topology topology, StreamsSettings settings, int events, String label)
            throws Exception {
        Properties props = settings.streamsProperties();
        props.put("num.stream.threads", 1);
        props.put("auto.create.topics.enable", true);
        if (label.equals("pass-through")) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("bench.passthrough.v1", 2, (short) 1)))
                    .all().get();
        }
        long start = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            awaitConsumed(admin, settings.applicationId());
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s: %d events in %.1f s (start-up included)%n", label, events, seconds);
            return events / seconds;
        }
    }

    private static void awaitConsumed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            latest.put(new TopicPartition(RAW, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> ((ListOffsetsResult.ListOffsetsResultInfo) e.getValue()).offset()));
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            boolean done = ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue());
            if (done) {
                return;
            }
            Thread.sleep(100);
        }
    }

    private static void produce(String bootstrap, String registryUrl, int events) throws Exception {
        TapwireAvroSerializer<ProcessEvent> serializer = new TapwireAvroSerializer<>(ProcessEvent.class,
                new RegistryClient(RegistryClientConfig.of(registryUrl)), true);
        long epoch = System.currentTimeMillis() * 1_000_000L;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                int pid = 1000 + (i / 2) % 30_000;
                ProcessEventType type = i % 2 == 0 ? ProcessEventType.EXEC : ProcessEventType.EXIT;
                long time = epoch + i * 100_000L;
                ProcessEvent event = new ProcessEvent(
                        new RawHeader("bench", "node-1", "boot-1", (long) i, (long) i * 100_000, time, false),
                        new TaskContext(pid, pid, "worker", 1L, 4026531840L, (long) (i / 60_000)),
                        type, 1, (long) (i / 60_000), 0, "/usr/bin/worker", "/usr/bin/worker", List.of("worker"),
                        "0::/system.slice/worker.service", type == ProcessEventType.EXIT ? 0 : null, null, null, null, null);
                producer.send(new ProducerRecord<>(RAW, null, time / 1_000_000L, "bench/node-1/" + pid,
                        serializer.serialize(RAW, event)));
            }
            producer.flush();
        }
    }
}
