package io.tapwire.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkInterface;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.app.StreamsSettings;
import io.tapwire.streams.app.TapwireTopology;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
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
 * topology (read the raw bytes of both inputs, write them to another topic, exactly-once) on the same embedded
 * broker: the practical limit of the broker and Kafka Streams here. Target (issue "Stream processing I"): ≥ 50%
 * of pass-through. Usage: TopologyThroughputBenchmark [EVENTS]; -Dtapwire.streams.* settings apply to both.
 *
 * <p>The workload is one node's: a server listed by an inventory snapshot, client processes exec'ing and exiting,
 * and their connections (connect, close with bytes) to the server, half process and half TCP events; every raw
 * partition gets a heartbeat each second of event time, as the collector writes them. Each run is timed from
 * its group's first commit (start-up, with its internal topic creation, excluded; the time from the start is printed
 * too) until the group has consumed every partition it reads to the end, repartition topics included, and has
 * stayed so for a second.
 */
public final class TopologyThroughputBenchmark {

    private static final int PARTITIONS = 2;
    private static final List<String> RAW = List.of(TapwireTopic.RAW_PROCESS.topicName(),
            TapwireTopic.RAW_TCP.topicName(), TapwireTopic.RAW_INVENTORY.topicName());
    private static final long NETNS = 4026531840L;
    private static final String PASS_THROUGH_ID = "bench-passthrough";
    private static final String PASS_THROUGH_OUTPUT = "bench.passthrough.v1";

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
            topics.setProperty("tapwire.topics.partitions", Integer.toString(PARTITIONS));
            new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topics).plan());
            int written = produce(broker.bootstrapServers(), registry.url(), events);
            System.out.printf("produced %d raw events (%d with heartbeats)%n", events, written);

            Properties base = new Properties();
            base.setProperty("tapwire.kafka.bootstrap-servers", broker.bootstrapServers());
            base.setProperty("tapwire.registry.url", registry.url());
            base.setProperty("tapwire.streams.state-dir", state.toString());
            // -Dtapwire.streams.* settings apply to both topologies, e.g. -Dtapwire.streams.kafka.commit.interval.ms=1000
            System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("tapwire.streams."))
                    .forEach(name -> base.setProperty(name, System.getProperty(name)));

            StreamsSettings passSettings = settings(base, PASS_THROUGH_ID);
            admin.createTopics(List.of(new NewTopic(PASS_THROUGH_OUTPUT, PARTITIONS, (short) 1))).all().get();
            double pass = run(admin, passThrough(), passSettings, events, "pass-through");
            StreamsSettings tapwireSettings = settings(base, "bench-topology");
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            double topology = run(admin, TapwireTopology.build(tapwireSettings, serdes, PARTITIONS), tapwireSettings,
                    events, "topology");
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
                .to(PASS_THROUGH_OUTPUT, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    /** Runs a topology until its group has consumed everything it reads; returns raw events per second processed. */
    private static double run(Admin admin, Topology topology, StreamsSettings settings, int events, String label)
            throws Exception {
        Properties props = settings.streamsProperties();
        props.put("num.stream.threads", 1);
        long start = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            streams.start();
            Timing timing = awaitConsumed(admin, settings.applicationId(), start);
            System.out.printf("%s: %d events in %.1f s from the start, %.1f s from its first commit; %.1f records "
                    + "written per raw record read%n", label, events, timing.total(), timing.processing(),
                    (double) recordsWritten(admin, settings.applicationId()) / recordsIn(admin));
            return events / timing.processing();
        }
    }

    /**
     * Seconds from {@code start} until the group's committed offsets reached the end of every partition it reads,
     * the raw inputs and its own repartition topics, and were still there a second later (a repartition can be
     * fed after its reader caught up with it).
     */
    /**
     * Records (and transaction markers) in the topics a run wrote: its internal topics (repartitions, changelogs)
     * and its outputs.
     */
    private static long recordsWritten(Admin admin, String applicationId) throws Exception {
        return endOffsets(admin, name -> name.startsWith(applicationId + "-") || name.equals(PASS_THROUGH_OUTPUT)
                && applicationId.equals(PASS_THROUGH_ID) || name.startsWith("tapwire.") && !RAW.contains(name)
                && !applicationId.equals(PASS_THROUGH_ID));
    }

    private static long recordsIn(Admin admin) throws Exception {
        return endOffsets(admin, RAW::contains);
    }

    /** Sum of the end offsets (transaction markers included) of the topics {@code wanted} accepts. */
    private static long endOffsets(Admin admin, java.util.function.Predicate<String> wanted) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (var topic : admin.describeTopics(admin.listTopics().names().get().stream().filter(wanted).toList())
                .allTopicNames().get().values()) {
            topic.partitions().forEach(p -> latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    /** Seconds until drained, from the start and from the group's first commit (start-up excluded). */
    private record Timing(double total, double processing) {
    }

    private static Timing awaitConsumed(Admin admin, String group, long start) throws Exception {
        long caughtUpAt = -1;
        long firstCommitAt = -1;
        int polls = 0;
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            if (firstCommitAt < 0 && !committed.isEmpty()) {
                firstCommitAt = System.nanoTime();
            }
            Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            boolean rawRead = RAW.stream().allMatch(topic -> committed.keySet().stream()
                    .filter(tp -> tp.topic().equals(topic)).count() == PARTITIONS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            boolean caughtUp = rawRead && ends.entrySet().stream()
                    .allMatch(e -> committed.get(e.getKey()).offset() >= e.getValue().offset());
            if (++polls % 20 == 0) {
                Map<String, Long> lag = new java.util.TreeMap<>();
                ends.forEach((tp, end) -> lag.merge(tp.topic().replace(group + "-", ""),
                        Math.max(0, end.offset() - committed.get(tp).offset()), Long::sum));
                lag.values().removeIf(value -> value == 0);
                System.out.printf("  %.0f s: records not yet consumed %s%n", (System.nanoTime() - start) / 1e9, lag);
            }
            if (!caughtUp) {
                caughtUpAt = -1;
            } else if (caughtUpAt < 0) {
                caughtUpAt = System.nanoTime();
            } else if (System.nanoTime() - caughtUpAt > Duration.ofSeconds(1).toNanos()) {
                return new Timing((caughtUpAt - start) / 1e9, (caughtUpAt - firstCommitAt) / 1e9);
            }
            Thread.sleep(100);
        }
    }

    /** Writes {@code events} raw events and the heartbeats among them; returns how many records in all. */
    private static int produce(String bootstrap, String registryUrl, int events) throws Exception {
        RegistryClient client = new RegistryClient(RegistryClientConfig.of(registryUrl));
        TapwireAvroSerializer<ProcessEvent> processes = new TapwireAvroSerializer<>(ProcessEvent.class, client, true);
        TapwireAvroSerializer<TcpEvent> tcp = new TapwireAvroSerializer<>(TcpEvent.class, client, true);
        TapwireAvroSerializer<NodeInventory> inventory = new TapwireAvroSerializer<>(NodeInventory.class, client, true);
        long epochMs = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
        Workload workload = new Workload(epochMs);
        int written = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new ByteArraySerializer())) {
            String inventoryTopic = TapwireTopic.RAW_INVENTORY.topicName();
            NodeInventory snapshot = workload.snapshot();
            producer.send(new ProducerRecord<>(inventoryTopic, null, workload.timeMs(), new NodeKey("bench", "node-1").format(),
                    inventory.serialize(inventoryTopic, snapshot)));
            written++;
            long nextHeartbeatMs = workload.timeMs();
            int produced = 0;
            while (produced < events) {
                if (workload.timeMs() >= nextHeartbeatMs) {
                    written += heartbeats(producer, workload, processes, tcp, inventory);
                    nextHeartbeatMs += 1_000;
                }
                for (Workload.Raw raw : workload.next()) {
                    byte[] bytes = raw.value() instanceof ProcessEvent event
                            ? processes.serialize(raw.topic(), event) : tcp.serialize(raw.topic(), (TcpEvent) raw.value());
                    producer.send(new ProducerRecord<>(raw.topic(), null, workload.timeMs(), raw.key(), bytes));
                    produced++;
                    written++;
                }
            }
            // Past the end of the last window plus its grace, so the topology has every window to close.
            for (int i = 0; i < 60; i++) {
                workload.advance(1_000);
                written += heartbeats(producer, workload, processes, tcp, inventory);
            }
            producer.flush();
        }
        return written;
    }

    private static int heartbeats(KafkaProducer<String, byte[]> producer, Workload workload,
                                  TapwireAvroSerializer<ProcessEvent> processes, TapwireAvroSerializer<TcpEvent> tcp,
                                  TapwireAvroSerializer<NodeInventory> inventory) {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            for (SpecificRecord beat : workload.heartbeats()) {
                String topic = beat instanceof ProcessEvent ? TapwireTopic.RAW_PROCESS.topicName()
                        : beat instanceof TcpEvent ? TapwireTopic.RAW_TCP.topicName() : TapwireTopic.RAW_INVENTORY.topicName();
                byte[] bytes = beat instanceof ProcessEvent event ? processes.serialize(topic, event)
                        : beat instanceof TcpEvent event ? tcp.serialize(topic, event)
                        : inventory.serialize(topic, (NodeInventory) beat);
                producer.send(new ProducerRecord<>(topic, partition, workload.timeMs(), "heartbeat", bytes));
            }
        }
        return PARTITIONS * 3;
    }

    /**
     * One node's raw events: a PostgreSQL server (from the snapshot) and client processes that each exec, open
     * and close one connection to it, and exit; 100 µs of event time between two events.
     */
    private static final class Workload {
        record Raw(String topic, String key, SpecificRecord value) {
        }

        private static final String NODE = "node-1";
        private long timeMs;
        private long timeNs;
        private long seq;
        private int client;

        Workload(long epochMs) {
            this.timeMs = epochMs;
            this.timeNs = epochMs * 1_000_000L;
        }

        long timeMs() {
            return timeMs;
        }

        void advance(long ms) {
            timeNs += ms * 1_000_000L;
            timeMs = timeNs / 1_000_000L;
        }

        private RawHeader header(boolean heartbeat) {
            seq++;
            return new RawHeader("bench", NODE, "boot-1", seq, seq * 100_000, timeNs, heartbeat);
        }

        NodeInventory snapshot() {
            return NodeInventory.newBuilder().setHeader(header(false)).setTask(task(1, 1, "collector"))
                    .setHostname(NODE).setKernelRelease("6.18").setCollectorVersion("bench").setClockOffsetNs(0)
                    .setSnapshotId(seq).setPart(0).setParts(1)
                    .setNamespaces(List.of(NetworkNamespace.newBuilder().setInode(NETNS).setInterfaces(List.of(
                            NetworkInterface.newBuilder().setName("eth0").setAddresses(List.of("127.0.0.1", "10.0.0.1"))
                                    .build())).build()))
                    .setProcesses(List.of(ProcessSnapshot.newBuilder().setPid(500).setPpid(1).setStartTimeTicks(10)
                            .setComm("postgres").setExe("/usr/lib/postgresql/15/bin/postgres").setCgroupId(2)
                            .setCgroupPath("0::/system.slice/postgresql.service").setNetnsInode(NETNS).build()))
                    .setListeners(List.of(ListenerSnapshot.newBuilder().setNetnsInode(NETNS).setSocketInode(9)
                            .setPid(500).setTransport(Transport.TCP).setFamily(AddressFamily.IPV4)
                            .setAddress("0.0.0.0").setPort(5432).build()))
                    .build();
        }

        /** The next client's four events: exec, connect, close, exit. */
        List<Raw> next() {
            int pid = 1_000 + client % 30_000;
            long start = 1_000 + client;
            long inode = 100_000 + client;
            int port = 20_000 + client % 40_000;
            client++;
            TaskContext task = task(pid, start, "api");
            String processKey = new NodePidKey("bench", NODE, pid).format();
            String connectionKey = new ConnectionKey("bench", NODE, "boot-1", inode).format();
            SocketTuple tuple = SocketTuple.newBuilder().setFamily(AddressFamily.IPV4).setLocalAddress("10.0.0.1")
                    .setLocalPort(port).setRemoteAddress("10.0.0.1").setRemotePort(5432).build();
            Raw exec = new Raw(TapwireTopic.RAW_PROCESS.topicName(), processKey, ProcessEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(ProcessEventType.EXEC).setPpid(1)
                    .setStartTimeTicks(start).setExecFilename("/usr/bin/api").setExe("/usr/bin/api")
                    .setCmdline(List.of("api", "--serve")).setCgroupPath("0::/system.slice/api.service").build());
            advance100us();
            Raw connect = new Raw(TapwireTopic.RAW_TCP.topicName(), connectionKey, TcpEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(TcpEventType.CONNECT_OK).setSocketInode(inode)
                    .setRole(ConnectionRole.CLIENT).setTuple(tuple).setHandshakeNs(80_000L).build());
            advance100us();
            Raw close = new Raw(TapwireTopic.RAW_TCP.topicName(), connectionKey, TcpEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(TcpEventType.CLOSE).setSocketInode(inode)
                    .setRole(ConnectionRole.CLIENT).setTuple(tuple).setBytesSent(300L).setBytesReceived(4_000L)
                    .setSrttUs(60).build());
            advance100us();
            Raw exit = new Raw(TapwireTopic.RAW_PROCESS.topicName(), processKey, ProcessEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(ProcessEventType.EXIT).setPpid(1)
                    .setStartTimeTicks(start).setExitCode(0).build());
            advance100us();
            return List.of(exec, connect, close, exit);
        }

        /** One heartbeat of each raw topic. */
        List<SpecificRecord> heartbeats() {
            TaskContext collector = task(1, 1, "collector");
            return List.of(
                    ProcessEvent.newBuilder().setHeader(header(true)).setTask(collector).setType(ProcessEventType.UNKNOWN)
                            .setPpid(0).setStartTimeTicks(0).build(),
                    TcpEvent.newBuilder().setHeader(header(true)).setTask(collector).setType(TcpEventType.UNKNOWN)
                            .setSocketInode(0).setRole(ConnectionRole.UNKNOWN).setTuple(SocketTuple.newBuilder()
                                    .setFamily(AddressFamily.UNKNOWN).setLocalAddress("").setLocalPort(0)
                                    .setRemoteAddress("").setRemotePort(0).build()).build(),
                    NodeInventory.newBuilder().setHeader(header(true)).setTask(collector).setHostname("")
                            .setKernelRelease("").setCollectorVersion("").setClockOffsetNs(0).setSnapshotId(0)
                            .setPart(0).setParts(0).build());
        }

        private void advance100us() {
            timeNs += 100_000;
            timeMs = timeNs / 1_000_000L;
        }

        private static TaskContext task(int pid, long start, String comm) {
            return TaskContext.newBuilder().setPid(pid).setTid(pid).setComm(comm).setCgroupId(2).setNetnsInode(NETNS)
                    .setProcessStartTicks(start).build();
        }
    }
}
