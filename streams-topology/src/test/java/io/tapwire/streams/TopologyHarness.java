package io.tapwire.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
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
import io.tapwire.streams.app.StreamsSettings;
import io.tapwire.streams.connections.ConnectionResolver;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.graph.ServiceGraph;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.l7.PayloadParsing;
import io.tapwire.streams.l7.RequestNaming;
import io.tapwire.streams.l7.metrics.L7Metrics;
import io.tapwire.streams.listeners.ListenerIndex;
import io.tapwire.streams.listeners.ListenerRegistry;
import io.tapwire.streams.registry.ProcessRegistry;
import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.tcpmetrics.TcpMetrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The sub-topologies (process registry and services, connection tracker, listener registry and index,
 * connection resolver, TCP metrics, service graph, L7 parsing, naming and metrics) built with their own builder methods over
 * four raw input topics, each output on a topic of its own, and hand-built raw records to feed them. Event time starts at
 * {@link #T0}; every method takes milliseconds after it.
 */
public final class TopologyHarness implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    public static final String CLUSTER = "prod";
    public static final String BOOT = "boot-1";
    public static final long HOST_NS = 4026531840L;
    /** The test driver runs one task per sub-topology: one partition. */
    static final int PARTITIONS = 1;

    private final StubRegistry registry;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, ProcessEvent> processEvents;
    private final TestInputTopic<String, NodeInventory> inventory;
    private final TestInputTopic<String, TcpEvent> tcp;
    private final TestInputTopic<String, PayloadEvent> payloads;
    /** The named L7 requests, keyed by connection id. */
    public final TestOutputTopic<String, L7Request> requests;
    /** The L7 RED metrics. */
    public final TestOutputTopic<String, L7Metric> l7Metrics;
    public final TestOutputTopic<String, ListenerInfo> listeners;
    public final TestOutputTopic<String, SocketChange> connections;
    /** The NAMED changes of the sockets, keyed by connection id. */
    public final TestOutputTopic<String, SocketChange> names;
    public final TestOutputTopic<String, TcpMetric> metrics;
    public final TestOutputTopic<String, DeadLetter> dlq;
    public final TestOutputTopic<String, ServiceEdge> edges;
    private final Map<String, Long> seqs = new HashMap<>();
    private final TopologySerdes serdes;
    private final Map<String, TcpMetric> latestMetrics = new LinkedHashMap<>();
    private final List<TcpMetric> finals = new ArrayList<>();
    private long lastHeartbeatMs = Long.MIN_VALUE;

    public TopologyHarness(Path stateDir) throws Exception {
        this(stateDir, new Properties());
    }

    public TopologyHarness(Path stateDir, Properties overrides) throws Exception {
        Properties props = new Properties();
        props.setProperty("tapwire.streams.state-dir", stateDir.toString());
        props.setProperty("tapwire.streams.application-id", "topology-harness");
        // Every heartbeat passes every repartition, so a record is released as soon as time has passed it.
        props.setProperty("tapwire.streams.heartbeat-relay-interval", "0s");
        props.putAll(overrides);
        StreamsSettings settings = StreamsSettings.fromProperties(props);
        registry = new StubRegistry();
        serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));

        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, NodeInventory> inventoryStream =
                builder.stream("raw.inventory", Consumed.with(Serdes.String(), serdes.of(NodeInventory.class)));
        ProcessRegistry.Outputs processes = ProcessRegistry.build(builder,
                builder.stream("raw.process", Consumed.with(Serdes.String(), serdes.of(ProcessEvent.class))),
                inventoryStream, ConnectionTracker.build(builder,
                        builder.stream("raw.tcp", Consumed.with(Serdes.String(), serdes.of(TcpEvent.class))),
                        serdes, settings.connectionIdleTimeout()),
                serdes, settings.processExitGrace(), settings.restarts(), settings.processPublishInterval(), PARTITIONS);
        KStream<String, SocketChange> sockets = processes.sockets();
        KStream<String, ListenerInfo> listenerStream =
                ListenerRegistry.build(builder, inventoryStream, sockets, serdes, PARTITIONS);
        listenerStream.filterNot(HeartbeatMarker::is)
                .to("listeners", Produced.with(Serdes.String(), serdes.of(ListenerInfo.class)));
        PayloadParsing.Outputs parsed = PayloadParsing.parse(builder,
                builder.stream("raw.l7", Consumed.with(Serdes.String(), serdes.of(PayloadEvent.class))),
                settings.connectionIdleTimeout(), serdes.of(PayloadEvent.class).serializer());
        parsed.unparseable().to("dlq", Produced.with(Serdes.String(), serdes.of(DeadLetter.class)));
        ConnectionResolver.Outputs resolution = ConnectionResolver.build(builder, sockets,
                ListenerIndex.changes(listenerStream, serdes), parsed.dnsAnswers(), serdes, settings.pairingWindow(),
                settings.dnsNameRetention(), PARTITIONS);
        KStream<String, SocketChange> resolved = resolution.connections();
        resolution.names().filter((key, change) -> !ConnectionTracker.isHeartbeat(change))
                .to("names", Produced.with(Serdes.String(), serdes.of(SocketChange.class)));
        resolved.filter((key, change) -> !ConnectionTracker.isHeartbeat(change))
                .to("connections", Produced.with(Serdes.String(), serdes.of(SocketChange.class)));
        TcpMetrics.Outputs tcpMetrics = TcpMetrics.build(builder, resolved, serdes, settings.windows(), PARTITIONS);
        tcpMetrics.metrics().to("metrics", Produced.with(Serdes.String(), serdes.of(TcpMetric.class)));
        tcpMetrics.deadLetters().to("dlq", Produced.with(Serdes.String(), serdes.of(DeadLetter.class)));

        RequestNaming.Outputs namedRequests = RequestNaming.build(builder, parsed.requests(), resolution.names(),
                sockets, processes.processes(), serdes, settings.l7NameWait(), settings.connectionIdleTimeout(), settings.resourceLabels(),
                PARTITIONS);
        namedRequests.all().filterNot(HeartbeatMarker::is)
                .to("requests", Produced.with(Serdes.String(), serdes.of(L7Request.class)));
        L7Metrics.Outputs l7 = L7Metrics.build(builder, List.of(
                        new L7Metrics.Input("named", namedRequests.byConnection()),
                        new L7Metrics.Input("by-process", namedRequests.byProcess())),
                serdes, settings.windows(), PARTITIONS);
        l7.metrics().to("l7metrics", Produced.with(Serdes.String(), serdes.of(L7Metric.class)));
        l7.deadLetters().to("dlq", Produced.with(Serdes.String(), serdes.of(DeadLetter.class)));
        ServiceGraph.build(builder, resolved, l7.countedFinals(), serdes,
                        java.time.Duration.ofMillis(settings.windows().updateIntervalMs()), settings.edgeFlushInterval(),
                        settings.edgeRetention(), PARTITIONS)
                .to("edges", Produced.with(Serdes.String(), serdes.of(ServiceEdge.class)));

        driver = new TopologyTestDriver(builder.build(), settings.streamsProperties());
        payloads = driver.createInputTopic("raw.l7", Serdes.String().serializer(), serdes.of(PayloadEvent.class).serializer());
        requests = driver.createOutputTopic("requests", Serdes.String().deserializer(), serdes.of(L7Request.class).deserializer());
        l7Metrics = driver.createOutputTopic("l7metrics", Serdes.String().deserializer(), serdes.of(L7Metric.class).deserializer());
        processEvents = driver.createInputTopic("raw.process", Serdes.String().serializer(), serdes.of(ProcessEvent.class).serializer());
        inventory = driver.createInputTopic("raw.inventory", Serdes.String().serializer(), serdes.of(NodeInventory.class).serializer());
        tcp = driver.createInputTopic("raw.tcp", Serdes.String().serializer(), serdes.of(TcpEvent.class).serializer());
        listeners = driver.createOutputTopic("listeners", Serdes.String().deserializer(), serdes.of(ListenerInfo.class).deserializer());
        connections = driver.createOutputTopic("connections", Serdes.String().deserializer(), serdes.of(SocketChange.class).deserializer());
        names = driver.createOutputTopic("names", Serdes.String().deserializer(), serdes.of(SocketChange.class).deserializer());
        metrics = driver.createOutputTopic("metrics", Serdes.String().deserializer(), serdes.of(TcpMetric.class).deserializer());
        dlq = driver.createOutputTopic("dlq", Serdes.String().deserializer(), serdes.of(DeadLetter.class).deserializer());
        edges = driver.createOutputTopic("edges", Serdes.String().deserializer(), serdes.of(ServiceEdge.class).deserializer());
    }

    @Override
    public void close() {
        driver.close();
        registry.close();
    }

    // ---- raw records ----

    public RawHeader header(String node, long atMs) {
        long seq = seqs.merge(node, 1L, Long::sum);
        return RawHeader.newBuilder().setCluster(CLUSTER).setNode(node).setBootId(BOOT).setSeq(seq)
                .setKernelTimeNs(seq).setEpochTimeNs(nanos(atMs)).build();
    }

    public static TaskContext task(int pid, long startTicks, String comm, long netns) {
        return TaskContext.newBuilder().setPid(pid).setTid(pid).setComm(comm).setCgroupId(1).setNetnsInode(netns)
                .setProcessStartTicks(startTicks).build();
    }

    /** A process exec'd at {@code atMs}, named by its cgroup (null: by its executable). */
    public void exec(String node, int pid, long startTicks, String exe, String cgroup, long netns, long atMs) {
        String comm = exe.substring(exe.lastIndexOf('/') + 1);
        ProcessEvent event = ProcessEvent.newBuilder().setHeader(header(node, atMs))
                .setTask(task(pid, startTicks, comm, netns)).setType(ProcessEventType.EXEC).setPpid(1)
                .setStartTimeTicks(startTicks).setExecFilename(exe).setExe(exe).setCgroupPath(cgroup).build();
        processEvents.pipeInput(new NodePidKey(CLUSTER, node, pid).format(), event, T0.plusMillis(atMs));
        timePasses(node, atMs);
    }

    public static SocketTuple tuple(String local, int localPort, String remote, int remotePort) {
        return SocketTuple.newBuilder().setFamily(local.contains(":") ? AddressFamily.IPV6 : AddressFamily.IPV4)
                .setLocalAddress(local).setLocalPort(localPort).setRemoteAddress(remote).setRemotePort(remotePort).build();
    }

    /** A TCP event of socket {@code inode} on {@code node}, by {@code task}. */
    public TcpEvent.Builder event(TcpEventType type, String node, long inode, ConnectionRole role, TaskContext task,
                                  SocketTuple tuple) {
        return TcpEvent.newBuilder().setHeader(RawHeader.newBuilder().setCluster(CLUSTER).setNode(node)
                        .setBootId(BOOT).setSeq(0).setKernelTimeNs(0).setEpochTimeNs(0).build())
                .setTask(task).setType(type).setSocketInode(inode).setRole(role).setTuple(tuple);
    }

    /** A payload record of socket {@code inode} on {@code node}: {@code data} whole, moved by one call at {@code atMs}. */
    public void payload(String node, long inode, ConnectionRole role, TaskContext task, SocketTuple tuple,
                        Direction direction, long streamOffset, String data, L7Protocol hint, long atMs) {
        payload(node, inode, role, task, tuple, Transport.TCP, direction, streamOffset,
                data.getBytes(StandardCharsets.ISO_8859_1), hint, atMs);
    }

    /** A payload record of any transport (UDP: stream offset 0). */
    public void payload(String node, long inode, ConnectionRole role, TaskContext task, SocketTuple tuple,
                        Transport transport, Direction direction, long streamOffset, byte[] bytes, L7Protocol hint,
                        long atMs) {
        PayloadEvent event = PayloadEvent.newBuilder().setHeader(header(node, atMs)).setTask(task).setSocketInode(inode)
                .setRole(role).setTuple(tuple).setTransport(transport).setDirection(direction)
                .setSyscall(direction == Direction.EGRESS ? "write" : "read").setFd(5)
                .setSyscallStartNs(nanos(atMs) - 1_000).setStreamOffset(streamOffset).setByteCount(bytes.length)
                .setHead(ByteBuffer.wrap(bytes)).setHeadTruncated(false).setProtocolHint(hint).build();
        payloads.pipeInput(new ConnectionKey(CLUSTER, node, BOOT, inode).format(), event, T0.plusMillis(atMs));
        timePasses(node, atMs);
    }

    public void send(TcpEvent.Builder event, long atMs) {
        event.setHeader(header(event.getHeader().getNode(), atMs));
        TcpEvent built = event.build();
        tcp.pipeInput(new ConnectionKey(CLUSTER, built.getHeader().getNode(), BOOT, built.getSocketInode()).format(),
                built, T0.plusMillis(atMs));
        timePasses(built.getHeader().getNode(), atMs);
    }

    /**
     * A heartbeat on every raw topic just after {@code atMs} (and after the last one): the record just sent is
     * released at once, as if the collectors' next heartbeats had come. Tests of lateness and ordering still see
     * their records in the order sent.
     */
    private void timePasses(String node, long atMs) {
        heartbeat(node, Math.max(atMs, lastHeartbeatMs) + 1);
    }

    /**
     * A heartbeat on every raw topic, as the collector writes them: records are released in event-time order only
     * once every input has shown it got past them.
     */
    public void heartbeat(String node, long atMs) {
        lastHeartbeatMs = Math.max(lastHeartbeatMs, atMs);
        TaskContext collector = task(1, 1, "collector", HOST_NS);
        RawHeader tcpHeader = heartbeatHeader(node, atMs);
        tcp.pipeInput(new ConnectionKey(CLUSTER, node, BOOT, 0).format(), TcpEvent.newBuilder().setHeader(tcpHeader)
                .setTask(collector).setType(TcpEventType.UNKNOWN).setSocketInode(0).setRole(ConnectionRole.UNKNOWN)
                .setTuple(tuple("", 0, "", 0)).build(), T0.plusMillis(atMs));
        processEvents.pipeInput(new NodePidKey(CLUSTER, node, 0).format(), ProcessEvent.newBuilder()
                .setHeader(heartbeatHeader(node, atMs)).setTask(collector).setType(ProcessEventType.UNKNOWN).setPpid(0)
                .setStartTimeTicks(0).build(), T0.plusMillis(atMs));
        payloads.pipeInput(new ConnectionKey(CLUSTER, node, BOOT, 0).format(),
                (PayloadEvent) RawHeartbeats.of(TapwireTopic.RAW_L7, header(node, atMs)), T0.plusMillis(atMs));
        inventory.pipeInput(new NodeKey(CLUSTER, node).format(), NodeInventory.newBuilder()
                .setHeader(heartbeatHeader(node, atMs)).setTask(collector).setHostname("").setKernelRelease("")
                .setCollectorVersion("").setClockOffsetNs(0).setSnapshotId(0).setPart(0).setParts(0).build(),
                T0.plusMillis(atMs));
    }

    private RawHeader heartbeatHeader(String node, long atMs) {
        RawHeader h = header(node, atMs);
        h.setHeartbeat(true);
        return h;
    }

    /** Heartbeats from {@code fromMs} to {@code toMs}, every {@code stepMs}: time passes with no event. */
    public void quiet(String node, long fromMs, long toMs, long stepMs) {
        for (long t = fromMs; t <= toMs; t += stepMs) {
            heartbeat(node, t);
        }
    }

    public static NetworkNamespace namespace(long inode, String... addresses) {
        return NetworkNamespace.newBuilder().setInode(inode).setInterfaces(List.of(
                NetworkInterface.newBuilder().setName("all").setAddresses(List.of(addresses)).build())).build();
    }

    public static ListenerSnapshot listen(long netns, long inode, int pid, String address, int port) {
        return ListenerSnapshot.newBuilder().setNetnsInode(netns).setSocketInode(inode).setPid(pid)
                .setTransport(Transport.TCP).setFamily(address.contains(":") ? AddressFamily.IPV6 : AddressFamily.IPV4)
                .setAddress(address).setPort(port).build();
    }

    public static ProcessSnapshot process(int pid, long startTicks, String exe, String cgroup, long netns) {
        return ProcessSnapshot.newBuilder().setPid(pid).setPpid(1).setStartTimeTicks(startTicks)
                .setComm(exe.substring(exe.lastIndexOf('/') + 1)).setExe(exe).setCgroupId(1).setCgroupPath(cgroup)
                .setNetnsInode(netns).build();
    }

    /** A one-part inventory snapshot of {@code node}. */
    public NodeInventory snapshot(String node, long atMs, List<NetworkNamespace> namespaces,
                                  List<ProcessSnapshot> processes, List<ListenerSnapshot> listeners) {
        RawHeader h = header(node, atMs);
        return NodeInventory.newBuilder().setHeader(h).setTask(task(1, 1, "collector", HOST_NS))
                .setHostname(node).setKernelRelease("6.18").setCollectorVersion("test").setClockOffsetNs(0)
                .setSnapshotId(h.getSeq()).setPart(0).setParts(1)
                .setNamespaces(namespaces).setProcesses(processes).setListeners(listeners).build();
    }

    public void send(NodeInventory snapshot, long atMs) {
        inventory.pipeInput(new NodeKey(CLUSTER, snapshot.getHeader().getNode()).format(), snapshot, T0.plusMillis(atMs));
        timePasses(snapshot.getHeader().getNode(), atMs);
    }

    // ---- outputs ----

    /** What went through the repartition topic {@code name} (as named in the builders) so far. */
    /** A value in the wire format (a dead letter's), decoded through the test registry. */
    public <V extends org.apache.avro.specific.SpecificRecord> V decode(Class<V> type, byte[] value) {
        return serdes.of(type).deserializer().deserialize("", value);
    }

    public TestOutputTopic<String, SocketChange> repartition(String name) {
        return repartition(name, SocketChange.class);
    }

    public <V extends org.apache.avro.specific.SpecificRecord> TestOutputTopic<String, V> repartition(String name,
                                                                                                   Class<V> type) {
        return driver.createOutputTopic("topology-harness-" + name + "-repartition", Serdes.String().deserializer(),
                serdes.of(type).deserializer());
    }

    /** Every metric record read so far, latest per key; final records also kept in order. */
    public Map<String, TcpMetric> metricsByKey() {
        for (TestRecord<String, TcpMetric> r : metrics.readRecordsToList()) {
            latestMetrics.put(r.key(), r.value());
            if (r.value().getFinal$()) {
                finals.add(r.value());
            }
        }
        return latestMetrics;
    }

    public List<TcpMetric> finals() {
        metricsByKey();
        return finals;
    }

    public static long nanos(long atMs) {
        return (T0.toEpochMilli() + atMs) * 1_000_000L;
    }

    public static long at(long atMs) {
        return T0.toEpochMilli() + atMs;
    }

    public static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
