package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.bpf.KernelPrerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Process lifecycle events of children this test starts, checked against /proc, cgroupfs and what
 * wait() reports.
 */
class ProcessEventsKernelIT {

    private static final int JVM_PID = (int) ProcessHandle.current().pid();
    private static final int SIGKILL = 9;

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @Test
    void execOfAChildArrivesWithItsKernelIdentity() throws Exception {
        // The child moves itself into a fresh cgroup before exec, so the cgroup id differs from the
        // root cgroup's (id 1) every other process on this host shares.
        Path cgroup = Files.createDirectory(Cgroup2.mountPoint().resolve("tapwire-test-" + UUID.randomUUID()));
        try (EventRecorder recorder = EventRecorder.start()) {
            long startedAfterNs = System.nanoTime(); // CLOCK_MONOTONIC on Linux, like bpf_ktime_get_ns()
            Process child = new ProcessBuilder("/bin/sh", "-c",
                    "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec /bin/sleep 3").start();
            try {
                // The ring buffer's callback must survive a collection while it waits for events.
                System.gc();
                int pid = (int) child.pid();
                ExecEvent exec = recorder.await(ExecEvent.class,
                        e -> e.task().pid() == pid && e.filename().equals("/bin/sleep"), "exec of /bin/sleep");
                long receivedBeforeNs = System.nanoTime();

                assertThat(exec.task().tid()).as("tid after exec").isEqualTo(pid);
                assertThat(exec.ppid()).as("ppid: the JVM spawned it").isEqualTo(JVM_PID);
                assertThat(exec.uid()).isZero();
                assertThat(exec.task().comm()).isEqualTo("sleep");
                assertThat(exec.filenameTruncated()).isFalse();
                assertThat(exec.ktimeNs()).isBetween(startedAfterNs, receivedBeforeNs);
                assertThat(exec.task().cgroupId())
                        .as("cgroup id: inode of the cgroup the child moved into")
                        .isEqualTo(Cgroup2.id(cgroup))
                        .isEqualTo(Cgroup2.id(Cgroup2.of(pid)));
                assertThat(exec.task().netnsInode())
                        .as("netns inode: the child shares the JVM's network namespace")
                        .isEqualTo(inode(Path.of("/proc/self/ns/net")))
                        .isEqualTo(inode(Path.of("/proc", Long.toString(pid), "ns", "net")));
                assertThat(exec.startTicks())
                        .as("start time in ticks: field 22 of /proc/<pid>/stat")
                        .isEqualTo(startTimeTicks(pid));

                ProcessStartEvent start = recorder.await(ProcessStartEvent.class, e -> e.task().pid() == pid,
                        "START of the child");
                assertThat(start.ppid()).isEqualTo(JVM_PID);
                assertThat(start.startTicks()).isEqualTo(exec.startTicks());
                assertThat(start.task().tid()).isEqualTo(pid);
                assertThat(start.ktimeNs()).isLessThan(exec.ktimeNs());
            } finally {
                child.destroy();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(cgroup); // rmdir of an empty cgroup; the child has exited
        }
    }

    @Test
    void aGrandchildIsStartedExecsAndExitsWithItsCode() throws Exception {
        try (EventRecorder recorder = EventRecorder.start()) {
            // The shell forks a grandchild that execs another shell which exits 3, prints its pid,
            // and exits with the grandchild's status.
            Process child = new ProcessBuilder("/bin/sh", "-c", "/bin/sh -c 'exit 3' & echo $!; wait $!").start();
            int grandchild = Integer.parseInt(firstLine(child));
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(3);
            int pid = (int) child.pid();

            ProcessStartEvent start = recorder.await(ProcessStartEvent.class, e -> e.task().pid() == grandchild,
                    "START of the grandchild " + grandchild, e -> e.task().pid() == grandchild || e.task().pid() == pid);
            ExecEvent exec = recorder.await(ExecEvent.class, e -> e.task().pid() == grandchild,
                    "EXEC of the grandchild");
            ProcessExitEvent exit = recorder.await(ProcessExitEvent.class, e -> e.task().pid() == grandchild,
                    "EXIT of the grandchild");
            ProcessExitEvent childExit = recorder.await(ProcessExitEvent.class, e -> e.task().pid() == pid,
                    "EXIT of the child");

            assertThat(start.ppid()).isEqualTo(pid);
            assertThat(start.task().comm()).as("a fork keeps the parent's comm").isEqualTo("sh");
            assertThat(exec.filename()).isEqualTo("/bin/sh");
            assertThat(exec.ppid()).isEqualTo(pid);
            assertThat(exec.startTicks()).isEqualTo(start.startTicks());
            assertThat(exit.killedBySignal()).isFalse();
            assertThat(exit.exitStatus()).isEqualTo(3);
            assertThat(exit.startTicks()).isEqualTo(start.startTicks());
            assertThat(List.of(start.ktimeNs(), exec.ktimeNs(), exit.ktimeNs())).isSorted();
            assertThat(childExit.exitStatus()).isEqualTo(3);
            assertThat(childExit.ppid()).isEqualTo(JVM_PID);
        }
    }

    @Test
    void aKilledProcessExitsWithTheSignal() throws Exception {
        try (EventRecorder recorder = EventRecorder.start()) {
            Process child = new ProcessBuilder("/bin/sleep", "30").start();
            int pid = (int) child.pid();
            recorder.await(ExecEvent.class, e -> e.task().pid() == pid && e.filename().equals("/bin/sleep"), "exec");
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            ProcessExitEvent exit = recorder.await(ProcessExitEvent.class, e -> e.task().pid() == pid, "EXIT");

            assertThat(exit.killedBySignal()).isTrue();
            assertThat(exit.signal()).isEqualTo(SIGKILL);
            assertThat(exit.coreDumped()).isFalse();
            assertThat(exit.task().comm()).isEqualTo("sleep");
        }
    }

    @Test
    void aMultiThreadedProcessExitsOnceAndItsThreadsAreNotProcesses() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        try (EventRecorder recorder = EventRecorder.start()) {
            // A JVM starts a dozen threads (GC, JIT, finalizer...) and ends with exit_group().
            Process child = new ProcessBuilder(java, "-Xmx32m", "-version").redirectErrorStream(true).start();
            child.getInputStream().readAllBytes();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            int pid = (int) child.pid();

            recorder.await(ProcessExitEvent.class, e -> e.task().pid() == pid, "EXIT of the JVM");
            recorder.drain(Duration.ofMillis(300));

            assertThat(recorder.events(ProcessExitEvent.class, e -> e.task().pid() == pid)).singleElement()
                    .satisfies(exit -> assertThat(exit.exitStatus()).isZero());
            assertThat(recorder.events(ProcessStartEvent.class, e -> e.ppid() == pid))
                    .as("its threads are not new processes").isEmpty();
        }
    }

    @Test
    void aProcessOverItsMemoryLimitIsReportedAsOomKilled() throws Exception {
        Path cgroup = Files.createDirectory(KernelPrerequisites.memoryCgroupV1().resolve("tapwire-test-" + UUID.randomUUID()));
        try (EventRecorder recorder = EventRecorder.start()) {
            Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Integer.toString(20 * 1024 * 1024));
            // awk doubles a string until it holds 256 MiB; the 20 MiB limit stops it long before.
            Process child = new ProcessBuilder("/bin/sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs")
                    + " && exec awk 'BEGIN { s = \"x\"; for (i = 0; i < 28; i++) s = s s; print length(s) }'").start();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("128 + SIGKILL").isEqualTo(137);
            int pid = (int) child.pid();

            OomKillEvent oom = recorder.await(OomKillEvent.class, e -> e.task().pid() == pid, "OOM_KILL of " + pid,
                    e -> e.task().pid() == pid || e instanceof OomKillEvent);
            ProcessExitEvent exit = recorder.await(ProcessExitEvent.class, e -> e.task().pid() == pid, "EXIT");

            assertThat(oom.victimWasCurrent()).as("awk's own allocation hit the limit").isTrue();
            assertThat(oom.task().comm()).isEqualTo("awk");
            assertThat(oom.task().cgroupId()).as("a v1-only move keeps the v2 cgroup").isPositive();
            assertThat(oom.ppid()).isEqualTo(JVM_PID);
            assertThat(oom.startTicks()).isEqualTo(exit.startTicks());
            assertThat(oom.rssBytes()).isPresent();
            // Anonymous memory up to the 20 MiB limit, plus mapped file pages (libc) charged to other cgroups.
            assertThat(oom.rssBytes().getAsLong()).as("rss at the kill").isBetween(10L << 20, 40L << 20);
            assertThat(exit.signal()).isEqualTo(SIGKILL);
            assertThat(oom.ktimeNs()).isLessThan(exit.ktimeNs());
        } finally {
            deleteCgroup(cgroup);
        }
    }

    @Test
    void aPathLongerThanTheFilenameFieldIsCutAndFlagged() throws Exception {
        // execve through a symlink records the path as given: 5 + 250 + 5 = 260 bytes.
        Path directory = Files.createDirectories(Path.of("/tmp", "x".repeat(250)));
        Path link = directory.resolve("true");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/bin/true"));
        try (EventRecorder recorder = EventRecorder.start()) {
            Process child = new ProcessBuilder(link.toString()).start();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            ExecEvent exec = recorder.await(ExecEvent.class, e -> e.task().pid() == child.pid()
                    && e.filename().equals(link.toString().substring(0, 255)), "exec through the long path");

            assertThat(exec.filenameTruncated()).isTrue();
            assertThat(exec.task().comm()).isEqualTo("true");
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(directory);
        }
    }

    /** A memory cgroup can only be removed once its last process is gone and reaped. */
    private static void deleteCgroup(Path cgroup) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.deleteIfExists(cgroup);
                return;
            } catch (IOException busy) {
                Thread.sleep(100);
            }
        }
        Files.deleteIfExists(cgroup);
    }

    private static String firstLine(Process process) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        return reader.readLine().trim();
    }

    /** Field 22 of /proc/&lt;pid&gt;/stat; field 2 (comm, in parentheses) may contain spaces. */
    private static long startTimeTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] afterComm = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(afterComm[22 - 3]);
    }

    private static long inode(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
    }
}
