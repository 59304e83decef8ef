package io.tapwire.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkInterface;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.PayloadEvent;
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
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.streams.RawHeartbeats;
import io.tapwire.streams.TopologySerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TapwireTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final long NS = 4026531840L;

    @Test
    void rawBytesBecomeProcessesWithDuplicatesDroppedAndBadRecordsInTheDlq(@TempDir Path state) throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            StreamsSettings settings = settings(state);
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            try (TopologyTestDriver driver = new TopologyTestDriver(TapwireTopology.build(settings, serdes, 1),
                    settings.streamsProperties())) {
                TestInputTopic<String, byte[]> raw = driver.createInputTopic("tapwire.raw.process.v1",
                        Serdes.String().serializer(), Serdes.ByteArray().serializer());
                byte[] exec = serdes.of(ProcessEvent.class).serializer().serialize("tapwire.raw.process.v1", exec(1, 42, "curl", 0));
                Instant t = Instant.parse("2026-11-27T10:00:00Z");

                raw.pipeInput("prod/n1/42", exec, t);
                raw.pipeInput("prod/n1/42", exec, t.plusMillis(1));       // a producer retry
                raw.pipeInput("prod/n1/42", new byte[] {0, 0, 0, 0, 77}, t.plusMillis(2));
                Raw time = new Raw(driver, serdes);
                time.tcp(heartbeat(99, 10), 10);
                time.heartbeats(100, 10);

                Map<String, ProcessInfo> processes = driver.createOutputTopic("tapwire.processes.v1",
                        Serdes.String().deserializer(), serdes.of(ProcessInfo.class).deserializer()).readKeyValuesToMap();
                assertThat(processes).containsOnlyKeys("prod/n1/b1/42/900");
                assertThat(processes.get("prod/n1/b1/42/900").getService()).isEqualTo("/host/curl");
                var dlq = driver.createOutputTopic("tapwire.dlq.v1", Serdes.String().deserializer(),
                        serdes.of(DeadLetter.class).deserializer()).readValuesToList();
                assertThat(dlq).singleElement().satisfies(d -> assertThat(d.getReason()).contains("unknown schema id 77"));
            }
        }
    }

    @Test
    void schemasRegisteredBeforeTheStartAreAllTheTopologyNeedsSoNoRecordWaitsForTheRegistry(@TempDir Path state)
            throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            StreamsSettings settings = settings(state);
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            Topology topology = TapwireTopology.build(settings, serdes, 1);
            serdes.registerSchemas();
            int registered = registry.requests();
            Set<String> stores = new HashSet<>();
            topology.describe().subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
            }));
            assertThat(registered).as("one per record class and one per published topic, not one per changelog")
                    .isGreaterThan(TapwireTopology.PUBLISHED.size()).isLessThan(stores.size());
            try (TopologyTestDriver driver = new TopologyTestDriver(topology, settings.streamsProperties())) {
                Raw raw = new Raw(driver, serdes);
                raw.process(exec(1, 42, "psql", 0), 0);
                raw.process(exec(2, 77, "postgres", 0), 0);
                raw.inventory(snapshot(3), 100);
                long seq = 10;
                raw.tcp(tcp(seq++, TcpEventType.CONNECT_OK, 500, 42, 2_000).build(), 2_000);
                raw.tcp(tcp(seq++, TcpEventType.CLOSE, 500, 42, 4_000).setBytesSent(150L).setBytesReceived(1_000L)
                        .setSrttUs(300).build(), 4_000);
                for (long t = 6_000; t <= 60_000; t += 1_000) {
                    raw.tcp(heartbeat(seq++, t), t);
                    raw.heartbeats(seq, t);
                    seq += 2;
                }
                assertThat(raw.out("tapwire.tcp.metrics.v1", TcpMetric.class).readValuesToList())
                        .as("records went through repartitions, stores and out").anySatisfy(m -> assertThat(m.getFinal$()).isTrue());
                assertThat(registry.requests()).as("no registry request while records flowed").isEqualTo(registered);
            }
        }
    }

    @Test
    void rawTcpEventsBecomeListenersTcpMetricsAndServiceEdgesAndAReplayGivesTheSameFinalValues(@TempDir Path state)
            throws Exception {
        Outputs first = runTcpScenario(state.resolve("first"));
        Outputs replay = runTcpScenario(state.resolve("replay"));

        assertThat(first.listeners).containsKey(new ListenerKey("prod", "n1", NS, "10.0.0.1:5432").format());
        assertThat(first.listeners.get(new ListenerKey("prod", "n1", NS, "10.0.0.1:5432").format()).getService())
                .isEqualTo("/host/postgres");
        assertThat(first.finalMetrics).isNotEmpty().allSatisfy((key, metric) -> {
            assertThat(metric.getClientService()).isEqualTo("/host/psql");
            assertThat(metric.getDestination()).isEqualTo("10.0.0.1:5432");
            assertThat(metric.getServerService()).isEqualTo("/host/postgres");
        });
        assertThat(first.finalMetrics.values().stream().mapToLong(TcpMetric::getSuccessfulConnects).sum()).isEqualTo(2);
        assertThat(first.finalMetrics.values().stream().mapToLong(TcpMetric::getBytesSent).sum()).isEqualTo(300);
        assertThat(first.edges.get(new ServiceEdgeKey("/host/psql", "/host/postgres").format()).getConnects()).isEqualTo(2);
        assertThat(first.tcpDeadLetters).as("the duplicate connect was dropped, the garbage record dead-lettered").hasSize(1);

        assertThat(replay.listeners).isEqualTo(first.listeners);
        assertThat(replay.finalMetrics).isEqualTo(first.finalMetrics);
        assertThat(replay.edges).isEqualTo(first.edges);
    }

    private record Outputs(Map<String, ListenerInfo> listeners, Map<String, TcpMetric> finalMetrics,
                           Map<String, ServiceEdge> edges, List<DeadLetter> tcpDeadLetters) {
    }

    private static Outputs runTcpScenario(Path state) throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            StreamsSettings settings = settings(state);
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            try (TopologyTestDriver driver = new TopologyTestDriver(TapwireTopology.build(settings, serdes, 1),
                    settings.streamsProperties())) {
                Raw raw = new Raw(driver, serdes);
                raw.process(exec(1, 42, "psql", 0), 0);
                raw.process(exec(2, 77, "postgres", 0), 0);
                raw.inventory(snapshot(3), 100);
                long seq = 10;
                for (int c = 0; c < 2; c++) {
                    long inode = 500 + c;
                    TcpEvent connect = tcp(seq++, TcpEventType.CONNECT_OK, inode, 42, 2_000 + c * 15_000).build();
                    raw.tcp(connect, 2_000 + c * 15_000);
                    raw.tcp(connect, 2_000 + c * 15_000);   // a producer retry: dropped by the deduplication
                    raw.tcp(tcp(seq++, TcpEventType.CLOSE, inode, 42, 4_000 + c * 15_000).setBytesSent(150L)
                            .setBytesReceived(1_000L).setSrttUs(300).build(), 4_000 + c * 15_000);
                }
                raw.garbage(5_000);
                for (long t = 6_000; t <= 90_000; t += 1_000) {
                    raw.tcp(heartbeat(seq++, t), t);
                    raw.heartbeats(seq, t);
                    seq += 2;
                }
                Map<String, TcpMetric> finals = new TreeMap<>();
                for (TestRecord<String, TcpMetric> r : raw.out("tapwire.tcp.metrics.v1", TcpMetric.class).readRecordsToList()) {
                    if (r.value().getFinal$()) {
                        finals.put(r.key(), r.value());
                    }
                }
                return new Outputs(new TreeMap<>(raw.out("tapwire.listeners.v1", ListenerInfo.class).readKeyValuesToMap()),
                        finals,
                        new TreeMap<>(raw.out("tapwire.service.edges.v1", ServiceEdge.class).readKeyValuesToMap()),
                        raw.out("tapwire.dlq.v1", DeadLetter.class).readValuesToList());
            }
        }
    }

    /** Raw topics fed with wire-format bytes, as the collector writes them. */
    private static final class Raw {
        private final TopologyTestDriver driver;
        private final TopologySerdes serdes;
        private final TestInputTopic<String, byte[]> process;
        private final TestInputTopic<String, byte[]> inventory;
        private final TestInputTopic<String, byte[]> tcp;
        private final TestInputTopic<String, byte[]> l7;

        Raw(TopologyTestDriver driver, TopologySerdes serdes) {
            this.driver = driver;
            this.serdes = serdes;
            process = driver.createInputTopic("tapwire.raw.process.v1", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            inventory = driver.createInputTopic("tapwire.raw.inventory.v1", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            tcp = driver.createInputTopic("tapwire.raw.tcp.v1", Serdes.String().serializer(), Serdes.ByteArray().serializer());
            l7 = driver.createInputTopic("tapwire.raw.l7.v1", Serdes.String().serializer(), Serdes.ByteArray().serializer());
        }

        void process(ProcessEvent event, long atMs) {
            process.pipeInput("prod/n1/" + event.getTask().getPid(), bytes("tapwire.raw.process.v1", ProcessEvent.class, event), T0.plusMillis(atMs));
        }

        void inventory(NodeInventory snapshot, long atMs) {
            inventory.pipeInput("prod/n1", bytes("tapwire.raw.inventory.v1", NodeInventory.class, snapshot), T0.plusMillis(atMs));
        }

        void tcp(TcpEvent event, long atMs) {
            tcp.pipeInput(new ConnectionKey("prod", "n1", "b1", event.getSocketInode()).format(),
                    bytes("tapwire.raw.tcp.v1", TcpEvent.class, event), T0.plusMillis(atMs));
        }

        /** Heartbeats on the raw process, inventory and L7 topics (sequence numbers {@code seq} and the next two). */
        void heartbeats(long seq, long atMs) {
            l7.pipeInput(new ConnectionKey("prod", "n1", "b1", 0).format(), bytes("tapwire.raw.l7.v1", PayloadEvent.class,
                    (PayloadEvent) RawHeartbeats.of(TapwireTopic.RAW_L7, header(seq + 2, atMs))), T0.plusMillis(atMs));
            RawHeader beat = RawHeader.newBuilder(header(seq, atMs)).setHeartbeat(true).build();
            process(ProcessEvent.newBuilder().setHeader(beat).setTask(task(1, 1, "collector"))
                    .setType(ProcessEventType.UNKNOWN).setPpid(0).setStartTimeTicks(0).build(), atMs);
            inventory(NodeInventory.newBuilder().setHeader(RawHeader.newBuilder(beat).setSeq(seq + 1).build())
                    .setTask(task(1, 1, "collector")).setHostname("").setKernelRelease("").setCollectorVersion("")
                    .setClockOffsetNs(0).setSnapshotId(0).setPart(0).setParts(0).build(), atMs);
        }

        void garbage(long atMs) {
            tcp.pipeInput("prod/n1/b1/999", new byte[] {1, 2, 3}, T0.plusMillis(atMs));
        }

        <V extends SpecificRecord> TestOutputTopic<String, V> out(String topic, Class<V> type) {
            return driver.createOutputTopic(topic, Serdes.String().deserializer(), serdes.of(type).deserializer());
        }

        private <V extends SpecificRecord> byte[] bytes(String topic, Class<V> type, V value) {
            return serdes.of(type).serializer().serialize(topic, value);
        }
    }

    private static StreamsSettings settings(Path state) {
        Properties props = new Properties();
        props.setProperty("tapwire.streams.state-dir", state.toString());
        return StreamsSettings.fromProperties(props);
    }

    private static RawHeader header(long seq, long atMs) {
        return RawHeader.newBuilder().setCluster("prod").setNode("n1").setBootId("b1").setSeq(seq)
                .setKernelTimeNs(seq).setEpochTimeNs((T0.toEpochMilli() + atMs) * 1_000_000L).build();
    }

    private static TaskContext task(int pid, long start, String comm) {
        return TaskContext.newBuilder().setPid(pid).setTid(pid).setComm(comm).setCgroupId(1).setNetnsInode(NS)
                .setProcessStartTicks(start).build();
    }

    private static ProcessEvent exec(long seq, int pid, String comm, long atMs) {
        return ProcessEvent.newBuilder()
                .setHeader(RawHeader.newBuilder(header(seq, atMs)).setEpochTimeNs(1_795_000_000_000_000_000L).build())
                .setTask(task(pid, 900, comm))
                .setType(ProcessEventType.EXEC).setPpid(1).setStartTimeTicks(900).setExecFilename("/usr/bin/" + comm).build();
    }

    private static NodeInventory snapshot(long seq) {
        return NodeInventory.newBuilder().setHeader(header(seq, 100)).setTask(task(1, 1, "collector"))
                .setHostname("n1").setKernelRelease("6.18").setCollectorVersion("test").setClockOffsetNs(0)
                .setSnapshotId(seq).setPart(0).setParts(1)
                .setNamespaces(List.of(NetworkNamespace.newBuilder().setInode(NS).setInterfaces(List.of(
                        NetworkInterface.newBuilder().setName("eth0").setAddresses(List.of("127.0.0.1", "10.0.0.1")).build())).build()))
                .setProcesses(List.of(ProcessSnapshot.newBuilder().setPid(77).setPpid(1).setStartTimeTicks(900)
                        .setComm("postgres").setExe("/usr/bin/postgres").setCgroupId(1).setCgroupPath("0::/")
                        .setNetnsInode(NS).build()))
                .setListeners(List.of(ListenerSnapshot.newBuilder().setNetnsInode(NS).setSocketInode(300).setPid(77)
                        .setTransport(Transport.TCP).setFamily(AddressFamily.IPV4).setAddress("0.0.0.0").setPort(5432).build()))
                .build();
    }

    private static TcpEvent.Builder tcp(long seq, TcpEventType type, long inode, int pid, long atMs) {
        return TcpEvent.newBuilder().setHeader(header(seq, atMs)).setTask(task(pid, 900, "psql")).setType(type)
                .setSocketInode(inode).setRole(ConnectionRole.CLIENT)
                .setTuple(SocketTuple.newBuilder().setFamily(AddressFamily.IPV4).setLocalAddress("10.0.0.1")
                        .setLocalPort(40_000 + (int) inode).setRemoteAddress("10.0.0.1").setRemotePort(5432).build());
    }

    private static TcpEvent heartbeat(long seq, long atMs) {
        return TcpEvent.newBuilder().setHeader(RawHeader.newBuilder(header(seq, atMs)).setHeartbeat(true).build())
                .setTask(task(1, 1, "collector")).setType(TcpEventType.UNKNOWN).setSocketInode(0)
                .setRole(ConnectionRole.UNKNOWN).setTuple(SocketTuple.newBuilder().setFamily(AddressFamily.UNKNOWN)
                        .setLocalAddress("").setLocalPort(0).setRemoteAddress("").setRemotePort(0).build()).build();
    }
}
