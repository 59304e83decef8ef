package io.tapwire.streams.app;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.listen;
import static io.tapwire.streams.TopologyHarness.namespace;
import static io.tapwire.streams.TopologyHarness.process;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.Transport;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Determinism and recovery on a real broker: the topology runs live, in a JVM of its own, while raw records arrive in
 * two bursts, is killed while it works on the second and started again; then a replay of the same raw records runs
 * under a second application id writing to other topics (a replay beside the live topology). Both must reach the
 * same final value for every key of every output topic and every closed window.
 */
class TopologyReplayIT {

    private static final int PARTITIONS = 3;
    /** The broker refuses timestamps far in the future and deletes those older than retention: an hour ago. */
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
    private static final List<TapwireTopic> OUTPUTS = List.of(TapwireTopic.PROCESSES, TapwireTopic.LISTENERS,
            TapwireTopic.TCP_METRICS, TapwireTopic.SERVICE_EDGES, TapwireTopic.EVENTS, TapwireTopic.L7_REQUESTS, TapwireTopic.L7_METRICS);

    private record Raw(TapwireTopic topic, Integer partition, String key, SpecificRecord value, long atMs) {
    }

    @Test
    void aReplayUnderAnotherApplicationIdReachesTheSameFinalValuesAsTheLiveRun(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             StubRegistry registry = new StubRegistry();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Properties topicProps = new Properties();
            topicProps.setProperty("tapwire.topics.partitions", Integer.toString(PARTITIONS));
            new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topicProps).plan());
            admin.createTopics(OUTPUTS.stream().map(t -> new NewTopic("replay." + t.topicName(), PARTITIONS, (short) 1))
                    .toList()).all().get();
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            List<Raw> records = dataset();
            int half = records.size() / 2;

            // The live topology runs in a JVM of its own, sees the records arrive in two bursts, and is killed
            // (SIGKILL, no clean shutdown) while it works on the second; a new JVM on the same state carries on.
            Path config = writeConfig(dir.resolve("live.properties"), broker, registry, dir.resolve("live"), "tapwire-live");
            try (KafkaProducer<String, byte[]> producer = producer(broker)) {
                Process first = startTopology(config, dir.resolve("live-1.log"));
                try {
                    send(producer, serdes, records.subList(0, half));
                    awaitCaughtUp(admin, "tapwire-live");
                    Map<TopicPartition, Long> before = committed(admin, "tapwire-live");
                    send(producer, serdes, records.subList(half, records.size()));
                    awaitProgress(admin, "tapwire-live", before);
                } finally {
                    first.destroyForcibly().waitFor();
                }
                System.out.printf("TopologyReplayIT: killed the live topology with %d records of its inputs "
                        + "(raw and repartition topics) not yet committed%n", lag(admin, "tapwire-live"));
                Process second = startTopology(config, dir.resolve("live-2.log"));
                try {
                    awaitCaughtUp(admin, "tapwire-live");
                } finally {
                    second.destroy();
                    second.waitFor();
                }
            }

            Map<String, String> renamed = OUTPUTS.stream()
                    .collect(Collectors.toMap(TapwireTopic::topicName, t -> "replay." + t.topicName()));
            StreamsSettings replay = settings(broker, registry, dir.resolve("replay"), "tapwire-replay", renamed);
            try (TopologyRunner runner = new TopologyRunner(replay).start(Duration.ofSeconds(120))) {
                awaitCaughtUp(admin, replay.applicationId());
            }

            for (TapwireTopic topic : OUTPUTS) {
                Map<String, Object> first = finalValues(broker, serdes, topic, topic.topicName());
                Map<String, Object> second = finalValues(broker, serdes, topic, "replay." + topic.topicName());
                assertThat(first).as(topic.topicName() + " has results").isNotEmpty();
                assertThat(second).as(topic.topicName() + ": live run vs replay; keys that differ: "
                        + diff(first, second) + " " + diff(second, first)).isEqualTo(first);
            }
            Map<String, Object> metrics = finalValues(broker, serdes, TapwireTopic.TCP_METRICS, TapwireTopic.TCP_METRICS.topicName());
            long connects = metrics.values().stream().mapToLong(m -> ((TcpMetric) m).getSuccessfulConnects()).sum();
            long failed = metrics.values().stream().mapToLong(m -> ((TcpMetric) m).getFailedConnects()).sum();
            assertThat(connects).as("successful connects in closed windows").isEqualTo(12);
            assertThat(failed).as("failed connects in closed windows").isEqualTo(3);
            List<L7Request> requests = finalValues(broker, serdes, TapwireTopic.L7_REQUESTS,
                    TapwireTopic.L7_REQUESTS.topicName()).values().stream()
                    .flatMap(list -> ((List<?>) list).stream()).map(L7Request.class::cast).toList();
            assertThat(requests).as("two requests on each of the six connections to nginx").hasSize(12)
                    .allSatisfy(r -> {
                        assertThat(r.getClientService()).isEqualTo("/system.slice/api.service");
                        assertThat(r.getServerService()).isEqualTo("/system.slice/nginx.service");
                        assertThat(r.getDestination()).isEqualTo("10.0.0.1:8080");
                        assertThat(r.getResource()).isEqualTo("/orders/{id}");
                        assertThat(r.getCountingSide()).isTrue();
                    });
            assertThat(requests).filteredOn(L7Request::getError).hasSize(6);
            Map<String, Object> l7 = finalValues(broker, serdes, TapwireTopic.L7_METRICS, TapwireTopic.L7_METRICS.topicName());
            assertThat(l7.values().stream().mapToLong(m -> ((L7Metric) m).getRequests()).sum())
                    .as("requests in closed L7 windows").isEqualTo(12);
            assertThat(l7.values().stream().mapToLong(m -> ((L7Metric) m).getErrors()).sum()).isEqualTo(6);
        }
    }

    /** Nginx and PostgreSQL on node-1 (from a snapshot), an API on node-2 connecting to both over 40 s of events. */
    private static List<Raw> dataset() {
        List<Raw> out = new ArrayList<>();
        Map<String, Long> seq = new HashMap<>();
        out.add(new Raw(TapwireTopic.RAW_INVENTORY, null, new NodeKey("prod", "node-1").format(),
                NodeInventory.newBuilder().setHeader(header(seq, "node-1", 0)).setTask(task(1, 1, "collector", HOST_NS))
                        .setHostname("node-1").setKernelRelease("6.18").setCollectorVersion("test").setClockOffsetNs(0)
                        .setSnapshotId(1).setPart(0).setParts(1)
                        .setNamespaces(List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.1")))
                        .setProcesses(List.of(process(300, 5, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS),
                                process(400, 6, "/usr/lib/postgresql/15/bin/postgres",
                                        "0::/system.slice/postgresql@15-main.service", HOST_NS)))
                        .setListeners(List.of(listen(HOST_NS, 900, 300, "0.0.0.0", 8080), listen(HOST_NS, 901, 400, "0.0.0.0", 5432)))
                        .build(), 0));
        for (int i = 0; i < 4; i++) {
            int pid = 100 + i;
            out.add(processEvent(seq, ProcessEventType.EXEC, pid, 70 + i, 200L + i * 1000)
                    .apply(e -> e.setExecFilename("/usr/bin/api").setExe("/usr/bin/api").setCgroupPath("0::/system.slice/api.service")));
        }
        long inode = 10_000;
        for (int c = 0; c < 12; c++) {
            final int i = c;
            int pid = 100 + i % 4;
            TaskContext client = task(pid, 70 + i % 4, "api", HOST_NS);
            int port = i % 2 == 0 ? 8080 : 5432;
            long at = 1_000 + i * 3_000L;
            inode++;
            out.add(tcp(seq, client, TcpEventType.CONNECT_OK, inode, 41_000 + i, port, at, b -> b.setHandshakeNs(200_000L + i)));
            if (port == 8080) {
                // two HTTP requests on the connection, seen by the client
                long[] offsets = new long[2];
                for (int r = 0; r < 2; r++) {
                    String request = "GET /orders/" + (i * 10 + r) + " HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n\r\n";
                    String response = "HTTP/1.1 " + (r == 0 ? "200 OK" : "503 Service Unavailable")
                            + "\r\nContent-Length: 2\r\n\r\nok";
                    out.add(payload(seq, client, inode, 41_000 + i, Direction.EGRESS, offsets[0], request, at + 100 + r * 400L));
                    out.add(payload(seq, client, inode, 41_000 + i, Direction.INGRESS, offsets[1], response, at + 150 + r * 400L));
                    offsets[0] += request.length();
                    offsets[1] += response.length();
                }
            }
            out.add(tcp(seq, client, TcpEventType.CLOSE, inode, 41_000 + i, port, at + 1_500,
                    b -> b.setBytesSent(100L * (i + 1)).setBytesReceived(1000L * (i + 1)).setSrttUs(50 + i)));
        }
        for (int i = 0; i < 3; i++) {
            inode++;
            out.add(tcp(seq, task(100, 70, "api", HOST_NS), TcpEventType.CONNECT_FAILED, inode, 42_000 + i, 9999,
                    5_000 + i * 9_000L, b -> b.setErrorCode(111)));
        }
        out.add(processEvent(seq, ProcessEventType.EXIT, 103, 73, 30_000).apply(e -> e.setExitCode(2)));
        out.add(processEvent(seq, ProcessEventType.EXIT, 102, 72, 31_000).apply(e -> e.setExitSignal(11)));
        out.sort((a, b) -> Long.compare(a.atMs, b.atMs));
        // Heartbeats on every partition of the raw topics, past the last window's end plus grace.
        for (long t = 0; t <= 100_000; t += 1_000) {
            for (int p = 0; p < PARTITIONS; p++) {
                RawHeader h = header(seq, "node-2", t);
                h.setHeartbeat(true);
                out.add(new Raw(TapwireTopic.RAW_TCP, p, new ConnectionKey("prod", "node-2", "boot-1", 0).format(),
                        TcpEvent.newBuilder().setHeader(h).setTask(task(1, 1, "collector", HOST_NS))
                                .setType(TcpEventType.UNKNOWN).setSocketInode(0).setRole(ConnectionRole.UNKNOWN)
                                .setTuple(tuple("", 0, "", 0)).build(), t));
                RawHeader ph = header(seq, "node-2", t);
                ph.setHeartbeat(true);
                out.add(new Raw(TapwireTopic.RAW_PROCESS, p, new NodePidKey("prod", "node-2", 0).format(),
                        ProcessEvent.newBuilder().setHeader(ph).setTask(task(1, 1, "collector", HOST_NS))
                                .setType(ProcessEventType.UNKNOWN).setPpid(0).setStartTimeTicks(0).build(), t));
                out.add(new Raw(TapwireTopic.RAW_L7, p, new ConnectionKey("prod", "node-2", "boot-1", 0).format(),
                        RawHeartbeats.of(TapwireTopic.RAW_L7, header(seq, "node-2", t)), t));
                RawHeader ih = header(seq, "node-2", t);
                ih.setHeartbeat(true);
                out.add(new Raw(TapwireTopic.RAW_INVENTORY, p, new NodeKey("prod", "node-2").format(),
                        NodeInventory.newBuilder().setHeader(ih).setTask(task(1, 1, "collector", HOST_NS)).setHostname("")
                                .setKernelRelease("").setCollectorVersion("").setClockOffsetNs(0).setSnapshotId(0)
                                .setPart(0).setParts(0).build(), t));
            }
        }
        out.sort((a, b) -> Long.compare(a.atMs, b.atMs));
        return out;
    }

    private interface Finish {
        Raw apply(java.util.function.Consumer<ProcessEvent.Builder> specific);
    }

    private static Finish processEvent(Map<String, Long> seq, ProcessEventType type, int pid, long start, long at) {
        return specific -> {
            ProcessEvent.Builder b = ProcessEvent.newBuilder().setHeader(header(seq, "node-2", at))
                    .setTask(task(pid, start, "api", HOST_NS)).setType(type).setPpid(1).setStartTimeTicks(start);
            specific.accept(b);
            return new Raw(TapwireTopic.RAW_PROCESS, null, new NodePidKey("prod", "node-2", pid).format(), b.build(), at);
        };
    }

    private static Raw tcp(Map<String, Long> seq, TaskContext client, TcpEventType type, long inode, int localPort,
                           int port, long at, java.util.function.Consumer<TcpEvent.Builder> specific) {
        TcpEvent.Builder b = TcpEvent.newBuilder().setHeader(header(seq, "node-2", at)).setTask(client).setType(type)
                .setSocketInode(inode).setRole(ConnectionRole.CLIENT).setTuple(tuple("10.0.0.2", localPort, "10.0.0.1", port));
        specific.accept(b);
        return new Raw(TapwireTopic.RAW_TCP, null, new ConnectionKey("prod", "node-2", "boot-1", inode).format(), b.build(), at);
    }

    /** One read or write of an API client on its connection to nginx. */
    private static Raw payload(Map<String, Long> seq, TaskContext client, long inode, int localPort, Direction direction,
                               long offset, String data, long at) {
        byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
        PayloadEvent event = PayloadEvent.newBuilder().setHeader(header(seq, "node-2", at)).setTask(client)
                .setSocketInode(inode).setRole(ConnectionRole.CLIENT).setTuple(tuple("10.0.0.2", localPort, "10.0.0.1", 8080))
                .setTransport(Transport.TCP).setDirection(direction)
                .setSyscall(direction == Direction.EGRESS ? "write" : "read").setFd(7)
                .setSyscallStartNs(at * 1_000_000L).setStreamOffset(offset).setByteCount(bytes.length)
                .setHead(ByteBuffer.wrap(bytes)).setHeadTruncated(false).setProtocolHint(L7Protocol.HTTP1).build();
        return new Raw(TapwireTopic.RAW_L7, null, new ConnectionKey("prod", "node-2", "boot-1", inode).format(), event, at);
    }

    private static RawHeader header(Map<String, Long> seq, String node, long atMs) {
        long n = seq.merge(node, 1L, Long::sum);
        return RawHeader.newBuilder().setCluster("prod").setNode(node).setBootId("boot-1").setSeq(n).setKernelTimeNs(n)
                .setEpochTimeNs((T0.toEpochMilli() + atMs) * 1_000_000L).build();
    }

    /** The settings both runs share: this broker and registry, their own state and application id. */
    private static Properties properties(EmbeddedKafkaBroker broker, StubRegistry registry, Path state, String id) {
        Properties props = new Properties();
        props.setProperty("tapwire.kafka.bootstrap-servers", broker.bootstrapServers());
        props.setProperty("tapwire.registry.url", registry.url());
        props.setProperty("tapwire.streams.state-dir", state.toString());
        props.setProperty("tapwire.streams.replication-factor", "1");
        props.setProperty("tapwire.streams.application-id", id);
        return props;
    }

    private static Path writeConfig(Path file, EmbeddedKafkaBroker broker, StubRegistry registry, Path state, String id)
            throws java.io.IOException {
        Properties props = properties(broker, registry, state, id);
        // The killed member leaves the group when its session times out: keep that short.
        props.setProperty("tapwire.streams.kafka.consumer.session.timeout.ms", "6000");
        try (var out = java.nio.file.Files.newBufferedWriter(file)) {
            props.store(out, "TopologyReplayIT live topology");
        }
        return file;
    }

    private static Process startTopology(Path config, Path log) throws java.io.IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                StreamsMain.class.getName(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Records between the group's committed offsets and the ends of the partitions it reads. */
    private static long lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> committed = committed(admin, group);
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream()
                .mapToLong(e -> Math.max(0, e.getValue().offset() - committed.get(e.getKey()))).sum();
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Until the group has committed past {@code before} on some partition: it is working on the new records. */
    private static void awaitProgress(Admin admin, String group, Map<TopicPartition, Long> before) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, Long> now = committed(admin, group);
            if (now.entrySet().stream().anyMatch(e -> e.getValue() > before.getOrDefault(e.getKey(), -1L))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("application " + group + " made no progress on the second burst within 60 s");
    }

    private static List<String> diff(Map<String, Object> a, Map<String, Object> b) {
        return a.entrySet().stream().filter(e -> !java.util.Objects.equals(e.getValue(), b.get(e.getKey())))
                .map(e -> e.getKey()).toList();
    }

    private static StreamsSettings settings(EmbeddedKafkaBroker broker, StubRegistry registry, Path state, String id,
                                            Map<String, String> topics) {
        Properties props = properties(broker, registry, state, id);
        topics.forEach((from, to) -> props.setProperty("tapwire.streams.topic." + from, to));
        return StreamsSettings.fromProperties(props);
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafkaBroker broker) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    @SuppressWarnings("unchecked")
    private static void send(KafkaProducer<String, byte[]> producer, TopologySerdes serdes, List<Raw> records) {
        for (Raw r : records) {
            byte[] bytes = serdes.of((Class<SpecificRecord>) r.value().getClass()).serializer()
                    .serialize(r.topic().topicName(), r.value());
            producer.send(new ProducerRecord<>(r.topic().topicName(), r.partition(), T0.toEpochMilli() + r.atMs(),
                    r.key(), bytes));
        }
        producer.flush();
    }

    /** Until the group's committed offsets reach the end of every partition it reads, repartition topics included. */
    private static void awaitCaughtUp(Admin admin, String group) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int stableRounds = 0;
        while (System.nanoTime() < deadline) {
            boolean caughtUp = !committed(admin, group).isEmpty() && lag(admin, group) == 0;
            stableRounds = caughtUp ? stableRounds + 1 : 0;
            if (stableRounds >= 5) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("application " + group + " did not catch up within 180 s");
    }

    /** The last value of every key (tombstones remove it); for TCP metrics, the final record of every window. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> finalValues(EmbeddedKafkaBroker broker, TopologySerdes serdes, TapwireTopic topic,
                                                   String name) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, List<Object>> events = new LinkedHashMap<>();
        var deserializer = serdes.of((Class<SpecificRecord>) topic.valueClass()).deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "replay-it-" + name + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(name).stream()
                    .map(p -> new TopicPartition(name, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> record : batch) {
                    SpecificRecord value = record.value() == null ? null : deserializer.deserialize(name, record.value());
                    if (topic == TapwireTopic.EVENTS || topic == TapwireTopic.L7_REQUESTS) {
                        events.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(value);
                    } else if (topic == TapwireTopic.TCP_METRICS) {
                        if (value != null && ((TcpMetric) value).getFinal$()) {
                            values.put(record.key(), value);
                        }
                    } else if (topic == TapwireTopic.L7_METRICS) {
                        if (value != null && ((L7Metric) value).getFinal$()) {
                            values.put(record.key(), value);
                        }
                    } else if (value == null) {
                        values.remove(record.key());
                    } else {
                        values.put(record.key(), value);
                    }
                }
            }
        }
        if (topic == TapwireTopic.EVENTS || topic == TapwireTopic.L7_REQUESTS) {
            events.forEach(values::put);
        }
        return values;
    }

}
