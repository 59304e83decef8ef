package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process records as they reach Kafka for what /proc alone would get wrong: processes gone before it can be read,
 * processes in container and systemd cgroups, and OOM kills.
 */
class ProcessRecordsKernelIT {

    private static final int JVM_PID = (int) ProcessHandle.current().pid();
    private static final int SIGKILL = 9;
    private static final long ONE_MILLISECOND_NS = 1_000_000;

    private static CollectorStack stack;

    @BeforeAll
    static void startStack() {
        stack = CollectorStack.startKafka();
        stack.startCollector();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void processesGoneBeforeProcIsReadKeepWhatTheKernelRecorded(@TempDir Path dir) throws Exception {
        // A static program that only calls exit(7): it lives microseconds after its exec.
        Path blink = TinyExecutable.exitingWith(7, dir.resolve("tapwire-blink"));
        int runs = 20;
        try (TestCgroups cgroups = new TestCgroups()) {
            Path cgroup = cgroups.create(TestCgroups.cgroup2(), "tapwire-it-" + UUID.randomUUID());
            long cgroupId = TestCgroups.id(cgroup);
            String cgroupPath = "/" + TestCgroups.cgroup2().relativize(cgroup);
            Process shell = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs")
                    + " && for i in $(seq " + runs + "); do " + blink + "; done").start();
            assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(shell.exitValue()).as("the last run's status").isEqualTo(7);

            List<ProcessEvent> execs = stack.processes().awaitCount(e -> e.getType() == ProcessEventType.EXEC
                    && blink.toString().equals(e.getExecFilename()), runs, "EXEC records of " + blink);
            Set<Integer> pids = execs.stream().map(e -> e.getTask().getPid()).collect(Collectors.toSet());
            Map<Integer, ProcessEvent> exits = stack.processes().awaitCount(e -> e.getType() == ProcessEventType.EXIT
                            && pids.contains(e.getTask().getPid()), runs, "EXIT records of " + blink).stream()
                    .collect(Collectors.toMap(e -> e.getTask().getPid(), Function.identity()));
            Map<Integer, ProcessEvent> starts = stack.processes().awaitCount(e -> e.getType() == ProcessEventType.START
                            && pids.contains(e.getTask().getPid()), runs, "START records of " + blink).stream()
                    .collect(Collectors.toMap(e -> e.getTask().getPid(), Function.identity()));

            assertThat(execs).hasSize(runs).allSatisfy(exec -> {
                assertThat(exec.getTask().getComm()).isEqualTo("tapwire-blink");
                assertThat(exec.getTask().getCgroupId()).as("the kernel's cgroup id").isEqualTo(cgroupId);
                assertThat(exec.getPpid()).isEqualTo(shell.pid());
            });
            assertThat(exits.values()).allSatisfy(exit -> {
                assertThat(exit.getExitCode()).isEqualTo(7);
                assertThat(exit.getTask().getComm()).isEqualTo("tapwire-blink");
                assertThat(exit.getTask().getCgroupId()).isEqualTo(cgroupId);
            });

            List<ProcessEvent> unread = execs.stream().filter(e -> e.getProcError() != null).toList();
            System.out.printf("ProcessRecordsKernelIT: %d of %d execs were gone before /proc was read%n",
                    unread.size(), runs);
            assertThat(unread).as("EXEC records of processes that exited before the collector read /proc")
                    .isNotEmpty().allSatisfy(exec -> {
                        assertThat(exec.getExe()).isNull();
                        assertThat(exec.getCgroupPath()).as("the path of the kernel's cgroup id")
                                .isEqualTo(cgroupPath);
                        assertThat(exec.getTask().getComm()).isEqualTo("tapwire-blink");
                        assertThat(exec.getTask().getCgroupId()).isEqualTo(cgroupId);
                        assertThat(exec.getStartTimeTicks()).isPositive();
                    });

            // A whole life, fork to exit, from the kernel's own timestamps.
            Map<Integer, Long> lifetimes = pids.stream().collect(Collectors.toMap(pid -> pid,
                    pid -> exits.get(pid).getHeader().getKernelTimeNs() - starts.get(pid).getHeader().getKernelTimeNs()));
            System.out.println("ProcessRecordsKernelIT: lifetimes fork to exit in µs: " + lifetimes.values().stream()
                    .sorted().map(ns -> Long.toString(ns / 1000)).collect(Collectors.joining(" ")));
            int shortest = lifetimes.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertThat(lifetimes.get(shortest)).as("the shortest life, fork to exit").isLessThan(ONE_MILLISECOND_NS);
            ProcessEvent exec = execs.stream().filter(e -> e.getTask().getPid() == shortest).findFirst().orElseThrow();
            assertThat(exec.getExecFilename()).isEqualTo(blink.toString());
            assertThat(exec.getTask().getComm()).isEqualTo("tapwire-blink");
        }
    }

    @Test
    void processesInPodAndServiceCgroupsCarryThePathsTheIdentityRulesName() throws Exception {
        String podUid = UUID.randomUUID().toString();
        String containerId = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", ""); // 64 hex digits
        String podPath = "/kubepods/burstable/pod" + podUid + "/" + containerId;
        String servicePath = "/system.slice/tapwire-test.service";
        try (TestCgroups cgroups = new TestCgroups()) {
            Path hierarchy = TestCgroups.cgroup2();
            Path pod = cgroups.create(hierarchy, podPath.substring(1));
            Path service = cgroups.create(hierarchy, servicePath.substring(1));

            ProcessEvent inPod = execIn(pod);
            ProcessEvent inService = execIn(service);

            assertThat(inPod.getCgroupPath()).isEqualTo(podPath);
            assertThat(inPod.getTask().getCgroupId()).isEqualTo(TestCgroups.id(pod));
            assertThat(identityOf(inPod.getCgroupPath())).isEqualTo("/k8s/pod/" + podUid + "/" + containerId.substring(0, 12));
            assertThat(inService.getCgroupPath()).isEqualTo(servicePath);
            assertThat(inService.getTask().getCgroupId()).isEqualTo(TestCgroups.id(service));
            assertThat(identityOf(inService.getCgroupPath())).isEqualTo("/system.slice/tapwire-test.service");
        }
    }

    /** Runs sleep in the cgroup until its EXEC record is in Kafka, then stops it; returns the record. */
    private static ProcessEvent execIn(Path cgroup) throws Exception {
        Process workload = new ProcessBuilder("/bin/sh", "-c", TestCgroups.runIn(cgroup, "/bin/sleep 30")).start();
        try {
            int pid = (int) workload.pid();
            return stack.processes().awaitOne(e -> e.getTask().getPid() == pid && e.getType() == ProcessEventType.EXEC
                    && "/bin/sleep".equals(e.getExecFilename()), "EXEC of sleep in " + cgroup);
        } finally {
            workload.destroy();
            workload.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aForkThatExecsBeforeProcIsReadIsNotLabelledWithTheNewProgram() throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 0.05; done").start();
        assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();

        List<ProcessEvent> starts = stack.processes().awaitCount(e -> e.getType() == ProcessEventType.START
                && e.getPpid() == shell.pid(), 8, "START records of the shell's children");
        List<ProcessEvent> execs = stack.processes().awaitCount(e -> e.getType() == ProcessEventType.EXEC
                && e.getPpid() == shell.pid(), 8, "EXEC records of the shell's children");
        assertThat(execs).allSatisfy(exec -> assertThat(exec.getExe()).isEqualTo("/usr/bin/sleep"));
        // A START carries what the fork was — the shell's program, also when the child exec'd before /proc was
        // read (then from its parent) — and nothing of the program it became.
        String shellExe = Path.of("/bin/sh").toRealPath().toString();
        assertThat(starts).allSatisfy(start -> {
            assertThat(start.getTask().getComm()).isEqualTo("sh");
            assertThat(start.getExe()).isEqualTo(shellExe);
            assertThat(start.getCmdline() == null ? List.<String>of() : start.getCmdline()).doesNotContain("sleep");
        });
        System.out.printf("ProcessRecordsKernelIT: %d of 8 forks had exec'd before /proc was read%n",
                starts.stream().filter(start -> start.getProcError() != null).count());
    }

    /**
     * The topology's identity for a cgroup path, by copies of the two rules of
     * io.tapwire.streams.identity.IdentityRules that apply here (streams-topology is no dependency of this module):
     * the cgroupfs kubepods rule and the systemd service rule.
     */
    private static String identityOf(String cgroupPath) {
        Matcher pod = Pattern.compile("/kubepods(?:/[a-z]+)?/pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}"
                + "[-_][0-9a-f]{12})/([0-9a-f]{12,64})(?:/.*)?").matcher(cgroupPath);
        if (pod.matches()) {
            return "/k8s/pod/" + pod.group(1).replace('_', '-') + "/" + pod.group(2).substring(0, 12);
        }
        Matcher service = Pattern.compile("/system\\.slice/([^/]+\\.service)(?:/.*)?").matcher(cgroupPath);
        if (service.matches()) {
            return "/system.slice/" + service.group(1);
        }
        return "no identity rule matches " + cgroupPath;
    }

    @Test
    void aProcessOverItsMemoryLimitIsReportedAsOomKilled() throws Exception {
        try (TestCgroups cgroups = new TestCgroups()) {
            int pid = (int) cgroups.awkKilledByItsMemoryLimit().pid();

            ProcessEvent oom = stack.processes().awaitOne(e -> e.getTask().getPid() == pid
                    && e.getType() == ProcessEventType.OOM_KILL, "OOM_KILL of awk");
            ProcessEvent exit = stack.processes().awaitOne(e -> e.getTask().getPid() == pid
                    && e.getType() == ProcessEventType.EXIT, "EXIT of awk");

            assertThat(oom.getTask().getComm()).isEqualTo("awk");
            assertThat(oom.getPpid()).isEqualTo(JVM_PID);
            assertThat(oom.getStartTimeTicks()).isEqualTo(exit.getStartTimeTicks());
            // Anonymous memory up to the 20 MiB limit, plus mapped file pages (libc) charged to other cgroups.
            assertThat(oom.getOomRssBytes()).as("rss at the kill").isBetween(10L << 20, 40L << 20);
            assertThat(exit.getExitSignal()).isEqualTo(SIGKILL);
            assertThat(exit.getExitCode()).isNull();
            assertThat(oom.getHeader().getKernelTimeNs()).isLessThan(exit.getHeader().getKernelTimeNs());
        }
    }

    @Test
    void aVictimKilledForAnotherTasksAllocationIsReportedWithItsOwnIdentity() throws Exception {
        try (TestCgroups cgroups = new TestCgroups()) {
            Path cgroup = cgroups.create(KernelPrerequisites.memoryCgroupV1(), "tapwire-it-" + UUID.randomUUID());
            Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Integer.toString(56 * 1024 * 1024));
            // The holder takes 30 MiB and sleeps; the grower then allocates a MiB at a time until the cgroup is
            // full. The OOM killer picks the largest process, the holder, while the grower is the current task.
            Process holder = new ProcessBuilder("/bin/sh", "-c", TestCgroups.runIn(cgroup,
                    "python3 -c 'import time; b = b\"x\" * (30 * 1024 * 1024); time.sleep(30)'")).start();
            int holderPid = (int) holder.pid();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rssKb(holderPid) < 30 * 1024 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Process grower = new ProcessBuilder("/bin/sh", "-c", TestCgroups.runIn(cgroup,
                    "python3 -c 'l = []\nwhile True: l.append(b\"y\" * (1024 * 1024))'")).start();
            try {
                assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(holder.exitValue()).as("the holder was killed: 128 + SIGKILL").isEqualTo(137);

                ProcessEvent oom = stack.processes().awaitOne(e -> e.getTask().getPid() == holderPid
                        && e.getType() == ProcessEventType.OOM_KILL, "OOM_KILL of the holder");
                ProcessEvent exit = stack.processes().awaitOne(e -> e.getTask().getPid() == holderPid
                        && e.getType() == ProcessEventType.EXIT, "EXIT of the holder");
                assertThat(oom.getTask().getComm()).isEqualTo("python3");
                assertThat(oom.getStartTimeTicks()).as("names the process, as its exit does")
                        .isPositive().isEqualTo(exit.getStartTimeTicks());
                assertThat(oom.getPpid()).isEqualTo(JVM_PID);
                assertThat(oom.getTask().getCgroupId()).isEqualTo(exit.getTask().getCgroupId()).isPositive();
                assertThat(oom.getProcError()).isNull();
            } finally {
                grower.destroyForcibly();
                grower.waitFor(10, TimeUnit.SECONDS);
                holder.destroyForcibly();
            }
        }
    }

    private static long rssKb(int pid) throws IOException {
        Path status = Path.of("/proc", Integer.toString(pid), "status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
