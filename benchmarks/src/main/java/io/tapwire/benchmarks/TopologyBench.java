package io.tapwire.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.app.StreamsSettings;
import io.tapwire.streams.app.TapwireTopology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * What the topology benchmarks share: an embedded KRaft broker and schema registry in this JVM with Tapwire's topics
 * ({@link #PARTITIONS} partitions each), a workload written once ({@link #writer}), then read by topologies one after
 * the other, each on one stream thread, exactly-once, and timed: the Tapwire topology ({@link #runTopology}) and a
 * pass-through ({@link #runPassThrough}) that copies the bytes of the same raw topics to another topic, the practical
 * limit of the broker and Kafka Streams here. {@code -Dtapwire.streams.*} settings apply to both.
 *
 * <p>Each run is timed from its group's first commit (start-up, with its internal topic creation, excluded; the time
 * from the start is printed too) until the group has consumed every partition it reads to the end, repartition
 * topics included, and has stayed so for a second. Every 2 s the records not yet consumed are printed by topic.
 */
final class TopologyBench implements AutoCloseable {

    static final int PARTITIONS = 2;
    private static final String TOPOLOGY_ID = "bench-topology";
    private static final String PASS_THROUGH_ID = "bench-passthrough";
    private static final String PASS_THROUGH_OUTPUT = "bench.passthrough.v1";

    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryServer registry;
    private final Admin admin;
    private final Path stateDir;
    private final Properties base = new Properties();
    private final TopologySerdes serdes;
    private final List<TapwireTopic> rawInputs;

    private TopologyBench(EmbeddedKafkaBroker broker, SchemaRegistryServer registry, Admin admin, Path stateDir) {
        this.broker = broker;
        this.registry = registry;
        this.admin = admin;
        this.stateDir = stateDir;
        base.setProperty("tapwire.kafka.bootstrap-servers", broker.bootstrapServers());
        base.setProperty("tapwire.registry.url", registry.url());
        base.setProperty("tapwire.streams.state-dir", stateDir.toString());
        // -Dtapwire.streams.* settings apply to both topologies, e.g. -Dtapwire.streams.kafka.commit.interval.ms=1000
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("tapwire.streams."))
                .forEach(name -> base.setProperty(name, System.getProperty(name)));
        this.serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
        this.rawInputs = TapwireTopology.RAW_INPUTS;
    }

    /** Starts the broker and the registry and creates Tapwire's topics and the pass-through's output. */
    static TopologyBench start() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        SchemaRegistryServer registry = null;
        Admin admin = null;
        try {
            registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers()).port(0).build().start();
            admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
            Properties topics = new Properties();
            topics.setProperty("tapwire.topics.partitions", Integer.toString(PARTITIONS));
            new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topics).plan());
            admin.createTopics(List.of(new NewTopic(PASS_THROUGH_OUTPUT, PARTITIONS, (short) 1))).all().get();
            return new TopologyBench(broker, registry, admin, Files.createTempDirectory("tapwire-bench-streams-"));
        } catch (Exception | Error e) {
            if (admin != null) {
                admin.close();
            }
            if (registry != null) {
                registry.close();
            }
            broker.close();
            throw e;
        }
    }

    /** The raw topics the Tapwire topology reads: the pass-through reads them too, and heartbeats go to them all. */
    List<TapwireTopic> rawInputs() {
        return rawInputs;
    }

    /** A writer of the workload, with heartbeats on every partition of {@link #rawInputs}. */
    RawEventWriter writer(NodeIdentity node) {
        return new RawEventWriter(broker.bootstrapServers(), registry.url(), rawInputs, PARTITIONS, node);
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    String registryUrl() {
        return registry.url();
    }

    /**
     * What one run measured: {@code events} over the time from the first commit, its write amplification, and
     * {@code events} per CPU second of its stream thread over the same time. The broker, the registry and both
     * topologies' clients share this machine's cores, so the first figure is also bounded by the broker's work; the
     * last is the thread's own capacity.
     */
    record Run(double eventsPerSecond, double recordsWrittenPerRawRecord, double eventsPerThreadCpuSecond) {
    }

    /** Runs the pass-through until it has copied every raw input; {@code events} is what the rate counts. */
    Run runPassThrough(int events, String label) throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(names(rawInputs), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .to(PASS_THROUGH_OUTPUT, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return run(builder.build(), settings(PASS_THROUGH_ID), events, label);
    }

    /** Runs {@link TapwireTopology#build} until it has consumed everything it reads; {@code events} as above. */
    Run runTopology(int events, String label) throws Exception {
        return run(tapwireTopology(), settings(TOPOLOGY_ID), events, label);
    }

    /** The topology, its schemas registered before it starts (as {@code TopologyRunner} does). */
    private Topology tapwireTopology() {
        Topology topology = TapwireTopology.build(settings(TOPOLOGY_ID), serdes, PARTITIONS);
        serdes.registerSchemas();
        return topology;
    }

    private StreamsSettings settings(String applicationId) {
        Properties props = new Properties();
        props.putAll(base);
        props.setProperty("tapwire.streams.application-id", applicationId);
        return StreamsSettings.fromProperties(props);
    }

    private static List<String> names(List<TapwireTopic> topics) {
        return topics.stream().map(TapwireTopic::topicName).toList();
    }

    private Run run(Topology topology, StreamsSettings settings, int events, String label) throws Exception {
        Properties props = settings.streamsProperties();
        props.put("num.stream.threads", 1);
        long start = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            Timing timing = awaitConsumed(streams, settings.applicationId(), start);
            double amplification = (double) recordsWritten(settings.applicationId()) / recordsIn();
            System.out.printf("%s: %d events in %.1f s from the start, %.1f s from its first commit; %.1f records "
                    + "written per raw record read%n", label, events, timing.total(), timing.processing(), amplification);
            System.out.printf("  its stream thread used %.1f s of CPU from the first commit (%.0f%% of a core): %.0f "
                            + "events per stream-thread CPU second%n", timing.threadCpuSeconds(),
                    100 * timing.threadCpuSeconds() / timing.processing(), events / timing.threadCpuSeconds());
            System.out.printf("  records written by topic (transaction markers included): %s%n",
                    writtenByTopic(settings.applicationId()));
            return new Run(events / timing.processing(), amplification, events / timing.threadCpuSeconds());
        }
    }

    /**
     * Records (and transaction markers) in the topics a run wrote: its internal topics (repartitions, changelogs)
     * and its outputs.
     */
    private long recordsWritten(String applicationId) throws Exception {
        boolean passThrough = applicationId.equals(PASS_THROUGH_ID);
        List<String> raw = names(rawInputs);
        return endOffsets(name -> name.startsWith(applicationId + "-") || (passThrough
                ? name.equals(PASS_THROUGH_OUTPUT)
                : name.startsWith("tapwire.") && !raw.contains(name)));
    }

    /** {@link #recordsWritten} by topic, the most written first, the application id left out of the names. */
    private String writtenByTopic(String applicationId) throws Exception {
        boolean passThrough = applicationId.equals(PASS_THROUGH_ID);
        List<String> raw = names(rawInputs);
        Map<String, Long> byTopic = new HashMap<>();
        endOffsetsByPartition(name -> name.startsWith(applicationId + "-") || (passThrough
                ? name.equals(PASS_THROUGH_OUTPUT)
                : name.startsWith("tapwire.") && !raw.contains(name)))
                .forEach((tp, end) -> byTopic.merge(tp.topic().replace(applicationId + "-", ""), end, Long::sum));
        return byTopic.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private long recordsIn() throws Exception {
        return endOffsets(names(rawInputs)::contains);
    }

    /** Sum of the end offsets (transaction markers included) of the topics {@code wanted} accepts. */
    long endOffsets(Predicate<String> wanted) throws Exception {
        return endOffsetsByPartition(wanted).values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<TopicPartition, Long> endOffsetsByPartition(Predicate<String> wanted) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var topic : admin.describeTopics(admin.listTopics().names().get().stream().filter(wanted).toList())
                .allTopicNames().get().values()) {
            topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * Seconds until drained, from the start and from the group's first commit (start-up excluded), and the CPU
     * seconds its stream thread used in the second span.
     */
    private record Timing(double total, double processing, double threadCpuSeconds) {
    }

    /** CPU nanoseconds of the group's stream threads (not their clients' network threads) so far. */
    private static long streamThreadCpuNs(String group) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long ns = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith(group + "-") && name.matches(".*-StreamThread-\\d+")) {
                ns += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return ns;
    }

    /**
     * Waits until the group's committed offsets reached the end of every partition it reads, the raw inputs and its
     * own repartition topics, and were still there a second later (a repartition can be fed after its reader caught
     * up with it).
     */
    private Timing awaitConsumed(KafkaStreams streams, String group, long start) throws Exception {
        List<String> raw = names(rawInputs);
        long caughtUpAt = -1;
        long firstCommitAt = -1;
        long cpuAtFirstCommitNs = 0;
        long cpuAtCaughtUpNs = 0;
        int polls = 0;
        while (true) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException("the topology " + group + " stopped (" + state + ") before it had "
                        + "consumed its input: its stream thread's error is in the log above");
            }
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            if (firstCommitAt < 0 && !committed.isEmpty()) {
                firstCommitAt = System.nanoTime();
                cpuAtFirstCommitNs = streamThreadCpuNs(group);
            }
            Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            boolean rawRead = raw.stream().allMatch(topic -> committed.keySet().stream()
                    .filter(tp -> tp.topic().equals(topic)).count() == PARTITIONS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            boolean caughtUp = rawRead && ends.entrySet().stream()
                    .allMatch(e -> committed.get(e.getKey()).offset() >= e.getValue().offset());
            if (++polls % 20 == 0) {
                Map<String, Long> lag = new TreeMap<>();
                ends.forEach((tp, end) -> lag.merge(tp.topic().replace(group + "-", ""),
                        Math.max(0, end.offset() - committed.get(tp).offset()), Long::sum));
                lag.values().removeIf(value -> value == 0);
                System.out.printf("  %.0f s: records not yet consumed %s%n", (System.nanoTime() - start) / 1e9, lag);
            }
            if (!caughtUp) {
                caughtUpAt = -1;
            } else if (caughtUpAt < 0) {
                caughtUpAt = System.nanoTime();
                cpuAtCaughtUpNs = streamThreadCpuNs(group);
            } else if (System.nanoTime() - caughtUpAt > Duration.ofSeconds(1).toNanos()) {
                return new Timing((caughtUpAt - start) / 1e9, (caughtUpAt - firstCommitAt) / 1e9,
                        (cpuAtCaughtUpNs - cpuAtFirstCommitNs) / 1e9);
            }
            Thread.sleep(100);
        }
    }

    /** Stops the registry and the broker and deletes the topologies' state. */
    @Override
    public void close() throws IOException {
        admin.close();
        registry.close();
        broker.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
