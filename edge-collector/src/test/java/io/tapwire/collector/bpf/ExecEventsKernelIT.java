package io.tapwire.collector.bpf;

import io.tapwire.bpf.KernelPrerequisites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged tapwire_process object in the real kernel: an exec arrives through the ring buffer
 * with the identity /proc and the kernel agree on, a full buffer is counted, and closing leaves
 * nothing loaded or attached.
 */
class ExecEventsKernelIT {

    /** tapwire_exec as the kernel names it (program names are cut at 15 characters). */
    private static final String PROGRAM = "tapwire_exec";
    private static final Duration EVENT_WAIT = Duration.ofSeconds(5);

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @Test
    void execOfAChildArrivesWithItsKernelIdentity() throws Exception {
        // The child moves itself into a fresh cgroup before exec, so the cgroup id differs from the
        // root cgroup's (id 1) every other process on this host shares.
        Path cgroup = Files.createDirectory(Cgroup2.mountPoint().resolve("tapwire-test-" + UUID.randomUUID()));
        List<ExecEvent> events = new ArrayList<>();
        try (BpfObject object = BpfObject.openResource(ProcessBpfObject.OBJECT).load().attachAll();
             RingBufferPoller poller = RingBufferPoller.open(object, ProcessBpfObject.EXEC_EVENTS_MAP,
                     ExecEventDecoder.SIZE, record -> events.add(ExecEventDecoder.decode(record)))) {
            long startedAfterNs = System.nanoTime(); // CLOCK_MONOTONIC on Linux, like bpf_ktime_get_ns()
            Process child = new ProcessBuilder("/bin/sh", "-c",
                    "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec /bin/sleep 3").start();
            try {
                // The ring buffer's callback must survive a collection while it waits for events.
                System.gc();
                ExecEvent exec = awaitExec(poller, events, child.pid(), "/bin/sleep");
                long receivedBeforeNs = System.nanoTime();

                assertThat(exec.pid()).isEqualTo((int) child.pid());
                assertThat(exec.tid()).as("tid after exec").isEqualTo(exec.pid());
                assertThat(exec.ppid()).as("ppid: the JVM spawned it").isEqualTo((int) ProcessHandle.current().pid());
                assertThat(exec.comm()).isEqualTo("sleep");
                assertThat(exec.filename()).isEqualTo("/bin/sleep");
                assertThat(exec.filenameTruncated()).isFalse();
                assertThat(exec.ktimeNs()).isBetween(startedAfterNs, receivedBeforeNs);
                assertThat(exec.cgroupId())
                        .as("cgroup id: inode of the cgroup the child moved into")
                        .isEqualTo(Cgroup2.id(cgroup))
                        .isEqualTo(Cgroup2.id(Cgroup2.of(child.pid())));
                assertThat(exec.netnsInode())
                        .as("netns inode: the child shares the JVM's network namespace")
                        .isEqualTo(inode(Path.of("/proc/self/ns/net")))
                        .isEqualTo(inode(Path.of("/proc", Long.toString(child.pid()), "ns", "net")));
                assertThat(exec.startTicks())
                        .as("start time in ticks: field 22 of /proc/<pid>/stat")
                        .isEqualTo(startTimeTicks(child.pid()));
            } finally {
                child.destroy();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(cgroup); // rmdir of an empty cgroup; the child has exited
        }
    }

    @Test
    void aPathLongerThanTheFilenameFieldIsCutAndFlagged() throws Exception {
        // execve through a symlink records the path as given: 5 + 250 + 5 = 260 bytes.
        Path directory = Files.createDirectories(Path.of("/tmp", "x".repeat(250)));
        Path link = directory.resolve("true");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/bin/true"));
        List<ExecEvent> events = new ArrayList<>();
        try (BpfObject object = BpfObject.openResource(ProcessBpfObject.OBJECT).load().attachAll();
             RingBufferPoller poller = RingBufferPoller.open(object, ProcessBpfObject.EXEC_EVENTS_MAP,
                     ExecEventDecoder.SIZE, record -> events.add(ExecEventDecoder.decode(record)))) {
            Process child = new ProcessBuilder(link.toString()).start();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            ExecEvent exec = awaitExec(poller, events, child.pid(), link.toString().substring(0, 255));

            assertThat(exec.filenameTruncated()).isTrue();
            assertThat(exec.comm()).isEqualTo("true");
        } finally {
            Files.deleteIfExists(link);
            Files.deleteIfExists(directory);
        }
    }

    @Test
    void closeLeavesNoProgramOrLinkBehind() throws Exception {
        Set<Long> before = Bpftool.programIds(PROGRAM);
        Set<Long> ours;
        try (BpfObject object = BpfObject.openResource(ProcessBpfObject.OBJECT).load().attachAll()) {
            assertThat(object.attachedPrograms()).containsExactly(PROGRAM);
            ours = new HashSet<>(Bpftool.programIds(PROGRAM));
            ours.removeAll(before);
            assertThat(ours).as("our program, as bpftool sees it while attached").hasSize(1);
            assertThat(Bpftool.linkedProgramIds()).as("links while attached").containsAll(ours);
        }

        // The kernel frees a program after its last reference goes, via RCU: allow it a moment.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Set<Long> left;
        do {
            left = new HashSet<>(ours);
            Set<Long> stillThere = Bpftool.programIds(PROGRAM);
            stillThere.addAll(Bpftool.linkedProgramIds());
            left.retainAll(stillThere);
        } while (!left.isEmpty() && System.nanoTime() < deadline && sleep(50));
        assertThat(left).as("programs or links of ours left after close").isEmpty();
    }

    @Test
    void aFullRingBufferCountsDropsInsteadOfBlocking() throws Exception {
        // One page holds 12 records of 328 bytes (320 + the 8-byte ring-buffer header); nobody polls.
        try (BpfObject object = BpfObject.openResource(ProcessBpfObject.OBJECT)
                .resizeMap(ProcessBpfObject.EXEC_EVENTS_MAP, 4096).load().attachAll()) {
            PerCpuCounterMap drops = PerCpuCounterMap.open(object, ProcessBpfObject.RINGBUF_DROPS_MAP);
            assertThat(drops.sum(ExecEventDecoder.EVENT_TYPE)).isZero();

            for (int i = 0; i < 20; i++) {
                Process child = new ProcessBuilder("/bin/true").start();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }

            // 20 children exec at least twice each (the JDK's spawn helper, then /bin/true).
            assertThat(drops.sum(ExecEventDecoder.EVENT_TYPE)).isGreaterThanOrEqualTo(40 - 12);
        }
    }

    @Test
    void aCorruptObjectFailsNamingTheCallAndTheErrno() {
        assertThatThrownBy(() -> BpfObject.openImage("not_elf", new byte[] {1, 2, 3, 4}))
                .isInstanceOf(LibBpfException.class)
                .hasMessageStartingWith("bpf_object__open_mem(not_elf) failed: errno ")
                .satisfies(e -> assertThat(((LibBpfException) e).errno()).isPositive());
    }

    private static ExecEvent awaitExec(RingBufferPoller poller, List<ExecEvent> events, long pid, String filename) {
        long deadline = System.nanoTime() + EVENT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            poller.poll(Duration.ofMillis(100));
            Optional<ExecEvent> match = events.stream()
                    .filter(event -> event.pid() == pid && event.filename().equals(filename))
                    .findFirst();
            if (match.isPresent()) {
                return match.get();
            }
        }
        throw new AssertionError("no exec event for pid " + pid + " " + filename + " within " + EVENT_WAIT
                + "; events for that pid: " + events.stream().filter(event -> event.pid() == pid).toList());
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

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
