package io.tapwire.streams.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.derived.ServiceKind;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.lifecycle.RestartRule;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessRegistryTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(30);

    private StubRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ProcessEvent> events;
    private TestInputTopic<String, NodeInventory> inventory;
    private TestInputTopic<String, SocketChange> tracked;
    private TestOutputTopic<String, SocketChange> owned;
    private TestOutputTopic<String, ProcessInfo> processes;
    private TestOutputTopic<String, ServiceEvent> serviceEvents;
    private long seq;
    private long lastHeartbeatMs = Long.MIN_VALUE;

    @BeforeEach
    void start() throws Exception {
        registry = new StubRegistry();
        open(Duration.ZERO);
    }

    /** The registry in a new driver, publishing each process at most once per {@code publishInterval}. */
    private void open(Duration publishInterval) {
        TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
        StreamsBuilder builder = new StreamsBuilder();
        ProcessRegistry.Outputs outputs = ProcessRegistry.build(builder,
                builder.stream("raw.process", Consumed.with(Serdes.String(), serdes.of(ProcessEvent.class))),
                builder.stream("raw.inventory", Consumed.with(Serdes.String(), serdes.of(NodeInventory.class))),
                builder.stream("tracked", Consumed.with(Serdes.String(), serdes.of(SocketChange.class))),
                serdes, GRACE, new RestartRule(Duration.ofMinutes(5), Duration.ofMinutes(1)), publishInterval, 1);
        outputs.sockets().filterNot((key, change) -> change.getKind() == SocketChangeKind.HEARTBEAT)
                .to("owned", Produced.with(Serdes.String(), serdes.of(SocketChange.class)));
        outputs.published().to("processes", Produced.with(Serdes.String(), serdes.of(ProcessInfo.class)));
        outputs.events().to("events", Produced.with(Serdes.String(), serdes.of(ServiceEvent.class)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "process-registry-test");
        props.put(HeartbeatRepartition.RELAY_INTERVAL_CONFIG, "0");
        driver = new TopologyTestDriver(builder.build(), props);
        events = driver.createInputTopic("raw.process", Serdes.String().serializer(), serdes.of(ProcessEvent.class).serializer());
        inventory = driver.createInputTopic("raw.inventory", Serdes.String().serializer(), serdes.of(NodeInventory.class).serializer());
        tracked = driver.createInputTopic("tracked", Serdes.String().serializer(), serdes.of(SocketChange.class).serializer());
        owned = driver.createOutputTopic("owned", Serdes.String().deserializer(), serdes.of(SocketChange.class).deserializer());
        processes = driver.createOutputTopic("processes", Serdes.String().deserializer(), serdes.of(ProcessInfo.class).deserializer());
        serviceEvents = driver.createOutputTopic("events", Serdes.String().deserializer(), serdes.of(ServiceEvent.class).deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        registry.close();
    }

    @Test
    void anExecNamesTheServiceFromItsCgroupAndTheLatestValueWins() {
        send(event(ProcessEventType.START, 200, 5000, "bash").setCgroupPath("0::/system.slice/nginx.service"), 0);
        send(event(ProcessEventType.EXEC, 200, 5000, "nginx").setExecFilename("/usr/sbin/nginx")
                .setExe("/usr/sbin/nginx").setCgroupPath("0::/system.slice/nginx.service"), 10);

        Map<String, ProcessInfo> latest = processes.readKeyValuesToMap();
        ProcessInfo nginx = latest.get(key(200, 5000));
        assertThat(nginx.getService()).isEqualTo("/system.slice/nginx.service");
        assertThat(nginx.getServiceKind()).isEqualTo(ServiceKind.SYSTEMD);
        assertThat(nginx.getComm()).isEqualTo("nginx");
        assertThat(nginx.getExe()).isEqualTo("/usr/sbin/nginx");
        assertThat(nginx.getStartedAtEpochNs()).isEqualTo(nanos(0));
    }

    @Test
    void aShortLivedProcessKnownOnlyByItsExecFilenameAndCommIsNamed() {
        send(event(ProcessEventType.EXEC, 300, 6000, "psql").setExecFilename("/usr/bin/psql")
                .setProcError("process exited before /proc was read"), 0);

        assertThat(processes.readKeyValuesToMap().get(key(300, 6000)).getService()).isEqualTo("/host/psql");
    }

    @Test
    void aSecondExecReplacesTheProgramEvenWhenItsProcessIsGoneBeforeProcIsRead() {
        // Java starts a child through jspawnhelper, which execs the real program: one process, two execs
        send(event(ProcessEventType.EXEC, 310, 6100, "jspawnhelper").setExecFilename("/usr/lib/jvm/lib/jspawnhelper")
                .setExe("/usr/lib/jvm/lib/jspawnhelper").setCmdline(List.of("jspawnhelper", "18:20")), 0);
        send(event(ProcessEventType.EXEC, 310, 6100, "curl").setExecFilename("/usr/bin/curl")
                .setProcError("process exited before /proc was read"), 1);

        ProcessInfo curl = processes.readKeyValuesToMap().get(key(310, 6100));
        assertThat(curl.getService()).isEqualTo("/host/curl");
        assertThat(curl.getExe()).as("the old program's exe is not curl's").isNull();
        assertThat(curl.getCmdline()).as("nor its command line").isEmpty();
    }

    @Test
    void aReusedPidIsANewProcessAndTheOldOneIsTombstoned() {
        send(event(ProcessEventType.EXEC, 400, 7000, "worker").setExe("/opt/a/worker"), 0);
        send(event(ProcessEventType.EXEC, 400, 9000, "other").setExe("/opt/b/other"), 10);

        List<TestRecord<String, ProcessInfo>> out = processes.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly(key(400, 7000), key(400, 7000), key(400, 9000));
        assertThat(out.get(1).value()).as("tombstone of the old process").isNull();
        assertThat(out.get(2).value().getService()).isEqualTo("/host/other");
    }

    @Test
    void anExitedProcessIsTombstonedOnceStreamTimePassesItsGracePeriod() {
        send(event(ProcessEventType.EXEC, 500, 8000, "job").setExe("/usr/bin/job"), 0);
        send(event(ProcessEventType.EXIT, 500, 8000, "job").setExitCode(3), 1_000);
        send(heartbeat(), 20_000);
        assertThat(processes.readRecordsToList()).extracting(r -> r.value() == null ? "tombstone" : "exit=" + r.value().getExitCode())
                .containsExactly("exit=null", "exit=3");

        send(heartbeat(), 31_500);
        List<TestRecord<String, ProcessInfo>> after = processes.readRecordsToList();
        assertThat(after).hasSize(1);
        assertThat(after.get(0).key()).isEqualTo(key(500, 8000));
        assertThat(after.get(0).value()).isNull();
    }

    @Test
    void withAPublishIntervalAProcessIsPublishedOncePerIntervalAsItStandsAndItsTombstoneAtOnce() {
        driver.close();
        open(Duration.ofSeconds(1));
        // The first record starts the interval: what it changed is published with it.
        send(event(ProcessEventType.START, 200, 5000, "nginx").setCgroupPath("0::/system.slice/nginx.service"), 0);
        assertThat(processes.readRecordsToList()).hasSize(1);
        // A short-lived command: start, exec and exit within one interval, published once, as it ended.
        send(event(ProcessEventType.START, 300, 6000, "bash").setCgroupPath("0::/user.slice"), 100);
        send(event(ProcessEventType.EXEC, 300, 6000, "curl").setExecFilename("/usr/bin/curl"), 101);
        send(event(ProcessEventType.EXIT, 300, 6000, "curl").setExitCode(0), 400);
        assertThat(processes.isEmpty()).as("nothing before the interval's end").isTrue();
        timePasses(1_000);
        List<TestRecord<String, ProcessInfo>> curl = processes.readRecordsToList();
        assertThat(curl).extracting(TestRecord::key).containsExactly(key(300, 6000));
        assertThat(curl.get(0).value().getService()).isEqualTo("/host/curl");
        assertThat(curl.get(0).value().getExitCode()).isZero();
        // A pid reused within an interval: the old process's tombstone at once, its last state never.
        send(event(ProcessEventType.EXEC, 400, 7000, "worker").setExe("/opt/a/worker"), 1_100);
        send(event(ProcessEventType.EXEC, 400, 9000, "other").setExe("/opt/b/other"), 1_200);
        List<TestRecord<String, ProcessInfo>> reused = processes.readRecordsToList();
        assertThat(reused).extracting(TestRecord::key).containsExactly(key(400, 7000));
        assertThat(reused.get(0).value()).isNull();
        timePasses(2_100);
        assertThat(processes.readKeyValuesToMap()).containsOnlyKeys(key(400, 9000));
        // The exited command's tombstone once the grace has passed, at once.
        send(heartbeat(), 31_500);
        assertThat(processes.readRecordsToList()).extracting(r -> r.key() + (r.value() == null ? " tombstone" : ""))
                .containsExactly(key(300, 6000) + " tombstone");
    }

    @Test
    void aSnapshotFillsGapsAndTheSameSnapshotTwiceChangesNothing() {
        send(event(ProcessEventType.EXEC, 600, 100, "postgres").setExecFilename("/usr/lib/postgresql/15/bin/postgres"), 0);
        processes.readRecordsToList();

        NodeInventory snapshot = snapshot(
                process(600, 100, "postgres", "/usr/lib/postgresql/15/bin/postgres", "0::/system.slice/postgresql@15-main.service"),
                process(700, 50, "redis-server", "/usr/bin/redis-server", "0::/"));
        inventory.pipeInput("prod/node-1", snapshot, T0.plusSeconds(1));
        timePasses(1000);
        Map<String, ProcessInfo> first = processes.readKeyValuesToMap();
        assertThat(first.get(key(600, 100)).getService()).isEqualTo("/system.slice/postgresql@15-main.service");
        assertThat(first.get(key(700, 50)).getService()).isEqualTo("/host/redis-server");

        inventory.pipeInput("prod/node-1", snapshot, T0.plusSeconds(2));
        timePasses(2000);
        assertThat(processes.readRecordsToList()).as("re-applied snapshot").isEmpty();
    }

    @Test
    void oomKillsCrashesFailedExitsAndRestartsAreEventsOfTheirServiceInOrderButACleanExitIsNot() {
        String cgroup = "0::/system.slice/api.service";
        send(event(ProcessEventType.EXEC, 800, 10, "api").setExe("/usr/bin/api").setCgroupPath(cgroup), 0);
        send(event(ProcessEventType.OOM_KILL, 800, 10, "api").setOomRssBytes(200L << 20), 100);
        send(event(ProcessEventType.EXIT, 800, 10, "api").setExitSignal(9), 101);
        send(event(ProcessEventType.EXEC, 801, 20, "api").setExe("/usr/bin/api").setCgroupPath(cgroup), 200);
        send(event(ProcessEventType.EXIT, 801, 20, "api").setExitSignal(11).setCoreDumped(true), 300);
        send(event(ProcessEventType.EXEC, 802, 30, "api").setExe("/usr/bin/api").setCgroupPath(cgroup), 400);
        send(event(ProcessEventType.EXIT, 802, 30, "api").setExitCode(0), 500);
        send(event(ProcessEventType.EXEC, 803, 40, "job").setExe("/usr/bin/job"), 600);
        send(event(ProcessEventType.EXIT, 803, 40, "job").setExitCode(3), 700);

        List<TestRecord<String, ServiceEvent>> out = serviceEvents.readRecordsToList();
        assertThat(out).extracting(r -> r.key() + " " + r.value().getType() + " pid " + r.value().getPid())
                .containsExactly(
                        "%2Fsystem.slice%2Fapi.service OOM_KILL pid 800",
                        "%2Fsystem.slice%2Fapi.service EXIT_ERROR pid 800",
                        "%2Fsystem.slice%2Fapi.service RESTART pid 801",
                        "%2Fsystem.slice%2Fapi.service CRASH pid 801",
                        "%2Fsystem.slice%2Fapi.service RESTART pid 802",
                        "%2Fhost%2Fjob EXIT_ERROR pid 803");
        assertThat(out.get(0).value().getDetail()).contains("200 MiB");
        assertThat(out.get(2).value().getDetail()).isEqualTo("started 99 ms after pid 800, its last process on the node, exited");
        assertThat(out.get(3).value().getDetail()).isEqualTo("killed by signal 11 (core dumped)");
        assertThat(out.get(5).value().getExitCode()).isEqualTo(3);
        assertThat(out.get(5).timestamp()).isEqualTo(T0.plusMillis(700).toEpochMilli());
    }

    @Test
    void aRestartIsANewProcessAfterTheLastOneExitedAbnormallyOrAfterRunningLong() {
        String unit = "0::/system.slice/db.service";
        // A daemon that ran two minutes, stopped cleanly and started again: a restart.
        send(event(ProcessEventType.START, 900, 10, "db").setCgroupPath(unit), 0);
        send(event(ProcessEventType.EXIT, 900, 10, "db").setExitCode(0), 120_000);
        send(event(ProcessEventType.START, 901, 20, "db").setCgroupPath(unit), 121_000);
        // A second process while one lives (a worker): no restart.
        send(event(ProcessEventType.START, 902, 30, "db").setCgroupPath(unit), 122_000);
        // Both exit; a new one ten minutes later, past the restart window: no restart.
        send(event(ProcessEventType.EXIT, 902, 30, "db").setExitSignal(15), 123_000);
        send(event(ProcessEventType.EXIT, 901, 20, "db").setExitSignal(15), 124_000);
        send(event(ProcessEventType.START, 903, 40, "db").setCgroupPath(unit), 724_000);
        // A short command that ends well and runs again: no restart.
        send(event(ProcessEventType.START, 950, 50, "curl").setExe("/usr/bin/curl").setCgroupPath("0::/user.slice"), 730_000);
        send(event(ProcessEventType.EXIT, 950, 50, "curl").setExitCode(0), 730_200);
        send(event(ProcessEventType.START, 951, 60, "curl").setExe("/usr/bin/curl").setCgroupPath("0::/user.slice"), 731_000);

        List<TestRecord<String, ServiceEvent>> out = serviceEvents.readRecordsToList();
        assertThat(out).filteredOn(r -> r.value().getType() == ServiceEventType.RESTART)
                .extracting(r -> r.value().getService() + " pid " + r.value().getPid() + " at " + r.timestamp())
                .containsExactly("/system.slice/db.service pid 901 at " + T0.plusMillis(121_000).toEpochMilli());
    }

    @Test
    void aProcessThatLeavesItsServiceByExecOrPidReuseNoLongerCountsAmongItsLiveProcesses() {
        String db = "0::/system.slice/db.service";
        // A child of db execs into another unit: it leaves db. When db's last process crashes, a new one restarts it.
        send(event(ProcessEventType.START, 900, 10, "db").setCgroupPath(db), 0);
        send(event(ProcessEventType.START, 901, 20, "db").setCgroupPath(db), 1_000);
        send(event(ProcessEventType.EXEC, 901, 20, "helper").setExe("/usr/bin/helper")
                .setCgroupPath("0::/system.slice/helper.service"), 2_000);
        send(event(ProcessEventType.EXIT, 900, 10, "db").setExitSignal(9), 3_000);
        send(event(ProcessEventType.START, 902, 30, "db").setCgroupPath(db), 4_000);
        // A queue process whose pid is reused before its exit was seen: the old one is gone from queue's live ones.
        String queue = "0::/system.slice/queue.service";
        send(event(ProcessEventType.START, 910, 40, "queue").setCgroupPath(queue), 5_000);
        send(event(ProcessEventType.START, 910, 50, "queue").setCgroupPath(queue), 6_000);
        send(event(ProcessEventType.EXIT, 910, 50, "queue").setExitSignal(11), 7_000);
        send(event(ProcessEventType.START, 911, 60, "queue").setCgroupPath(queue), 8_000);

        assertThat(serviceEvents.readRecordsToList()).filteredOn(r -> r.value().getType() == ServiceEventType.RESTART)
                .extracting(r -> r.value().getService() + " pid " + r.value().getPid())
                .containsExactly("/system.slice/db.service pid 902", "/system.slice/queue.service pid 911");
    }

    @Test
    void aSocketGetsItsOwnersServiceAsTheRegistryHadItAtTheSocketsTimeWhateverTheOrderOfArrival() {
        // the socket changes arrive before the process events that precede them in event time
        socketChange(500, 8000, "bash", 5);
        socketChange(500, 8000, "nginx", 15);
        socketChange(501, 1, "ghost", 16);
        send(event(ProcessEventType.START, 500, 8000, "bash").setCgroupPath("0::/user.slice"), 0);
        send(event(ProcessEventType.EXEC, 500, 8000, "nginx").setExecFilename("/usr/sbin/nginx")
                .setExe("/usr/sbin/nginx").setCgroupPath("0::/system.slice/nginx.service"), 10);
        timePasses(20);

        assertThat(owned.readValuesToList()).extracting(SocketChange::getOwnerService)
                .as("before the exec, after it, and a process the registry never knew (named by its comm)")
                .containsExactly("/host/bash", "/system.slice/nginx.service", "/host/ghost");
    }

    @Test
    void heartbeatsCreateNoProcess() {
        send(heartbeat(), 0);
        assertThat(processes.isEmpty()).isTrue();
    }

    private void send(ProcessEvent.Builder event, long offsetMs) {
        event.getHeaderBuilder().setEpochTimeNs(nanos(offsetMs));
        events.pipeInput("prod/node-1/" + event.getTaskBuilder().getPid(), event.build(), T0.plusMillis(offsetMs));
        timePasses(offsetMs);
    }

    /**
     * Heartbeats on both raw topics and the tracker's stream just after {@code atMs}: the registry applies its inputs
     * in event-time order once all have passed them, as the collectors' heartbeats would let it.
     */
    private void timePasses(long atMs) {
        lastHeartbeatMs = Math.max(atMs, lastHeartbeatMs) + 1;
        ProcessEvent.Builder beat = heartbeat();
        beat.getHeaderBuilder().setEpochTimeNs(nanos(lastHeartbeatMs));
        events.pipeInput("prod/node-1/0", beat.build(), T0.plusMillis(lastHeartbeatMs));
        inventory.pipeInput("prod/node-1", NodeInventory.newBuilder()
                .setHeaderBuilder(header().setHeartbeat(true).setEpochTimeNs(nanos(lastHeartbeatMs)))
                .setTaskBuilder(TaskContext.newBuilder().setPid(0).setTid(0).setComm("").setCgroupId(0).setNetnsInode(0))
                .setHostname("").setKernelRelease("").setCollectorVersion("").setClockOffsetNs(0).setSnapshotId(0)
                .setPart(0).setParts(0).build(), T0.plusMillis(lastHeartbeatMs));
        tracked.pipeInput("prod/node-1/boot-1/0", socket(SocketChangeKind.HEARTBEAT, 0, 0, ""),
                T0.plusMillis(lastHeartbeatMs));
    }

    /** A change of socket 77, owned by {@code pid} started at {@code start}, keyed by its connection id. */
    private void socketChange(int pid, long start, String comm, long atMs) {
        tracked.pipeInput("prod/node-1/boot-1/77", socket(SocketChangeKind.OPENED, pid, start, comm), T0.plusMillis(atMs));
    }

    private static SocketChange socket(SocketChangeKind kind, int pid, long start, String comm) {
        return SocketChange.newBuilder().setKind(kind).setCluster("prod").setNode("node-1").setBootId("boot-1")
                .setSocketInode(kind == SocketChangeKind.HEARTBEAT ? 0 : 77).setRole(SocketRole.CLIENT)
                .setOwnerPid(pid).setOwnerStartTicks(start).setOwnerComm(comm).build();
    }

    private ProcessEvent.Builder event(ProcessEventType type, int pid, long start, String comm) {
        return ProcessEvent.newBuilder()
                .setHeaderBuilder(header())
                .setTaskBuilder(TaskContext.newBuilder().setPid(pid).setTid(pid).setComm(comm).setCgroupId(1).setNetnsInode(4026531840L))
                .setType(type).setPpid(1).setStartTimeTicks(start);
    }

    private ProcessEvent.Builder heartbeat() {
        RawHeader.Builder header = header().setHeartbeat(true);
        return ProcessEvent.newBuilder().setHeaderBuilder(header)
                .setTaskBuilder(TaskContext.newBuilder().setPid(0).setTid(0).setComm("").setCgroupId(0).setNetnsInode(0))
                .setType(ProcessEventType.UNKNOWN).setPpid(0).setStartTimeTicks(0);
    }

    private RawHeader.Builder header() {
        return RawHeader.newBuilder().setCluster("prod").setNode("node-1").setBootId("boot-1").setSeq(++seq)
                .setKernelTimeNs(seq).setEpochTimeNs(0);
    }

    private NodeInventory snapshot(ProcessSnapshot... processes) {
        return NodeInventory.newBuilder()
                .setHeader(header().setEpochTimeNs(nanos(1000)).build())
                .setTask(TaskContext.newBuilder().setPid(1).setTid(1).setComm("collector").setCgroupId(1).setNetnsInode(1).build())
                .setHostname("node-1").setKernelRelease("6.18").setCollectorVersion("test").setClockOffsetNs(0)
                .setSnapshotId(1).setPart(0).setParts(1)
                .setProcesses(List.of(processes))
                .build();
    }

    private static ProcessSnapshot process(int pid, long start, String comm, String exe, String cgroup) {
        return ProcessSnapshot.newBuilder().setPid(pid).setPpid(1).setStartTimeTicks(start).setComm(comm).setExe(exe)
                .setCgroupId(1).setCgroupPath(cgroup).setNetnsInode(4026531840L).build();
    }

    private static String key(int pid, long start) {
        return new ProcessKey("prod", "node-1", "boot-1", pid, start).format();
    }

    private static long nanos(long offsetMs) {
        return (T0.toEpochMilli() + offsetMs) * 1_000_000L;
    }
}
