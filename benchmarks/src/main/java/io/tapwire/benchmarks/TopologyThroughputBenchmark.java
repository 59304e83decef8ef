package io.tapwire.benchmarks;

import java.time.Duration;
import java.util.List;

import io.tapwire.collector.node.NodeIdentity;
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
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;

/**
 * Raw events per second through the topology on one stream thread, side by side in one run with a pass-through
 * topology (read the raw bytes of the raw topics the topology reads, write them to another topic, exactly-once) on
 * the same embedded broker: the practical limit of the broker and Kafka Streams here ({@link TopologyBench}). Target
 * (issue "Stream processing I"): ≥ 50% of pass-through. Usage: TopologyThroughputBenchmark [EVENTS];
 * -Dtapwire.streams.* settings apply to both.
 *
 * <p>The workload is one node's: a server listed by an inventory snapshot, client processes started, exec'ing and
 * exiting as the collector reports them (START, EXEC, EXIT), and their connections (connect, close with bytes) to the
 * server, three process events for two TCP events; every partition
 * of every raw topic the topology reads gets a heartbeat each second of event time, as the collector writes them
 * (raw.l7 only those: the topology's L7 stages wait for its heartbeats like any other).
 */
public final class TopologyThroughputBenchmark {

    private static final NodeIdentity NODE = new NodeIdentity("bench", "node-1", "boot-1");
    private static final long NETNS = 4026531840L;

    private TopologyThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (TopologyBench bench = TopologyBench.start()) {
            int written;
            try (RawEventWriter writer = bench.writer(NODE)) {
                produce(writer, events);
                written = writer.written();
            }
            System.out.printf("produced %d raw events (%d with heartbeats)%n", events, written);
            TopologyBench.Run pass = bench.runPassThrough(events, "pass-through");
            TopologyBench.Run topology = bench.runTopology(events, "topology");
            System.out.printf("RESULT passthrough_events_per_s=%.0f topology_events_per_s=%.0f ratio=%.2f "
                            + "passthrough_events_per_thread_cpu_s=%.0f topology_events_per_thread_cpu_s=%.0f "
                            + "thread_cpu_ratio=%.2f%n",
                    pass.eventsPerSecond(), topology.eventsPerSecond(), topology.eventsPerSecond() / pass.eventsPerSecond(),
                    pass.eventsPerThreadCpuSecond(), topology.eventsPerThreadCpuSecond(),
                    topology.eventsPerThreadCpuSecond() / pass.eventsPerThreadCpuSecond());
        }
    }

    /** Writes the inventory snapshot, {@code events} raw events and the heartbeats among and after them. */
    private static void produce(RawEventWriter writer, int events) {
        long epochMs = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
        Workload workload = new Workload(epochMs);
        TaskContext collector = Workload.task(1, 1, "collector");
        writer.send(TapwireTopic.RAW_INVENTORY, new NodeKey(NODE.cluster(), NODE.node()).format(), workload.snapshot(),
                workload.timeMs());
        long nextHeartbeatMs = workload.timeMs();
        int produced = 0;
        while (produced < events) {
            if (workload.timeMs() >= nextHeartbeatMs) {
                writer.heartbeats(() -> workload.header(true), collector, workload.timeMs());
                nextHeartbeatMs += 1_000;
            }
            for (Workload.Raw raw : workload.next()) {
                writer.send(raw.topic(), raw.key(), raw.value(), workload.timeMs());
                produced++;
            }
        }
        // Past the end of the last window plus its grace, so the topology has every window to close.
        for (int i = 0; i < 60; i++) {
            workload.advance(1_000);
            writer.heartbeats(() -> workload.header(true), collector, workload.timeMs());
        }
    }

    /**
     * One node's raw events: a PostgreSQL server (from the snapshot) and client processes that are each started
     * (forked by systemd into the service's cgroup), exec, open and close one connection to it, and exit after 400 µs,
     * with status 0: a short-lived command, so none of them is a restart of the service; 100 µs of event time between
     * two events.
     */
    private static final class Workload {
        record Raw(TapwireTopic topic, String key, SpecificRecord value) {
        }

        private static final String NODE = TopologyThroughputBenchmark.NODE.node();
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

        RawHeader header(boolean heartbeat) {
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

        /** The next client's five events: start, exec, connect, close, exit. */
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
            Raw fork = new Raw(TapwireTopic.RAW_PROCESS, processKey, ProcessEvent.newBuilder()
                    .setHeader(header(false)).setTask(task(pid, start, "systemd")).setType(ProcessEventType.START)
                    .setPpid(1).setStartTimeTicks(start).setCgroupPath("0::/system.slice/api.service").build());
            advance100us();
            Raw exec = new Raw(TapwireTopic.RAW_PROCESS, processKey, ProcessEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(ProcessEventType.EXEC).setPpid(1)
                    .setStartTimeTicks(start).setExecFilename("/usr/bin/api").setExe("/usr/bin/api")
                    .setCmdline(List.of("api", "--serve")).setCgroupPath("0::/system.slice/api.service").build());
            advance100us();
            Raw connect = new Raw(TapwireTopic.RAW_TCP, connectionKey, TcpEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(TcpEventType.CONNECT_OK).setSocketInode(inode)
                    .setRole(ConnectionRole.CLIENT).setTuple(tuple).setHandshakeNs(80_000L).build());
            advance100us();
            Raw close = new Raw(TapwireTopic.RAW_TCP, connectionKey, TcpEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(TcpEventType.CLOSE).setSocketInode(inode)
                    .setRole(ConnectionRole.CLIENT).setTuple(tuple).setBytesSent(300L).setBytesReceived(4_000L)
                    .setSrttUs(60).build());
            advance100us();
            Raw exit = new Raw(TapwireTopic.RAW_PROCESS, processKey, ProcessEvent.newBuilder()
                    .setHeader(header(false)).setTask(task).setType(ProcessEventType.EXIT).setPpid(1)
                    .setStartTimeTicks(start).setExitCode(0).build());
            advance100us();
            return List.of(fork, exec, connect, close, exit);
        }

        private void advance100us() {
            timeNs += 100_000;
            timeMs = timeNs / 1_000_000L;
        }

        static TaskContext task(int pid, long start, String comm) {
            return TaskContext.newBuilder().setPid(pid).setTid(pid).setComm(comm).setCgroupId(2).setNetnsInode(NETNS)
                    .setProcessStartTicks(start).build();
        }
    }
}
