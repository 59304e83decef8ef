package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFsTest {

    @TempDir
    Path root;
    FakeProcTree tree;
    ProcFs procFs;

    @BeforeEach
    void setUp() {
        tree = new FakeProcTree(root);
        procFs = tree.procFs();
    }

    @AfterEach
    void removeLinks() {
        tree.removeLinks();
    }

    @Test
    void listsOnlyPidDirectoriesInOrder() throws Exception {
        tree.process(300, 1, 5, "c");
        tree.process(20, 1, 5, "b");
        tree.process(1, 0, 1, "init");
        Files.createDirectories(root.resolve("self"));
        Files.createDirectories(root.resolve("sys"));
        Files.createDirectories(root.resolve("12abc"));
        Files.createDirectories(root.resolve("99999999999"));
        tree.file("uptime", "1.0 2.0\n");

        assertThat(procFs.pids()).containsExactly(1, 20, 300);
    }

    @Test
    void readsTheFactsOfAnOrdinaryProcess() {
        tree.process(42, 7, 1000, "postgres").cmdline("postgres", "-D", "/var/lib/pg data")
                .exe("/usr/lib/postgresql/15/bin/postgres").uid(105).netns(4026531840L)
                .cgroup(Captures.read("host/cgroup").replace("0::/", "0::/system.slice/postgresql.service"));

        assertThat(procFs.stat(42)).contains(new ProcStat(42, "postgres", 'S', 7, 1000));
        assertThat(procFs.comm(42)).contains("postgres");
        assertThat(procFs.cmdline(42, 4096)).containsExactly("postgres", "-D", "/var/lib/pg data");
        assertThat(procFs.exe(42)).contains(new Executable("/usr/lib/postgresql/15/bin/postgres", false));
        assertThat(procFs.uid(42)).hasValue(105);
        assertThat(procFs.netNamespaceInode(42)).hasValue(4026531840L);
        assertThat(procFs.cgroup(42)).contains(new CgroupPath("", "/system.slice/postgresql.service"));
    }

    @Test
    void deletedExecutableKeepsItsPathAndSaysSo() {
        tree.process(5, 1, 9, "old").exe("/usr/sbin/sshd (deleted)");

        assertThat(procFs.exe(5)).contains(new Executable("/usr/sbin/sshd", true));
    }

    @Test
    void kernelThreadHasNoExeAndNoArguments() {
        tree.process(2, 0, 0, "kthreadd").file("cmdline", "");

        assertThat(procFs.exe(2)).isEmpty();
        assertThat(procFs.cmdline(2, 4096)).isEmpty();
        assertThat(procFs.stat(2).orElseThrow().ppid()).isZero();
    }

    @Test
    void rewrittenCmdlineWithoutFinalNulIsOneArgument() {
        tree.process(9, 1, 9, "nginx").file("cmdline", "nginx: worker process");

        assertThat(procFs.cmdline(9, 4096)).containsExactly("nginx: worker process");
    }

    @Test
    void cmdlineIsCutAtTheByteCap() {
        tree.process(9, 1, 9, "java").cmdline("java", "-cp", "a-very-long-class-path");

        assertThat(procFs.cmdline(9, 12)).containsExactly("java", "-cp", "a-v");
    }

    @Test
    void cmdlineWithInvalidUtf8IsReplacedNotRejected() {
        tree.process(9, 1, 9, "odd").bytes("cmdline", new byte[] {'a', (byte) 0xff, 'b', 0});

        assertThat(procFs.cmdline(9, 4096)).containsExactly("a\uFFFDb");
    }

    @Test
    void commLosesOnlyTheKernelsNewline() {
        tree.process(9, 1, 9, "x").file("comm", "two words \n");

        assertThat(procFs.comm(9)).contains("two words ");
    }

    @Test
    void vanishedProcessGivesEmptyAnswersNotExceptions() {
        tree.process(13, 1, 9, "gone").cmdline("gone").exe("/bin/gone").uid(0).netns(1).socket(3, 77);
        tree.vanish(13);

        assertThat(procFs.exists(13)).isFalse();
        assertThat(procFs.stat(13)).isEmpty();
        assertThat(procFs.comm(13)).isEmpty();
        assertThat(procFs.exe(13)).isEmpty();
        assertThat(procFs.cmdline(13, 4096)).isEmpty();
        assertThat(procFs.cgroup(13)).isEmpty();
        assertThat(procFs.netNamespaceInode(13)).isEmpty();
        assertThat(procFs.uid(13)).isEmpty();
        assertThat(procFs.socketInodes(13)).isEmpty();
        assertThat(procFs.netFile(13, "tcp")).isEmpty();
    }

    @Test
    void malformedFilesGiveEmptyAnswers() {
        tree.process(14, 1, 9, "bad").stat("14 (bad) S one two\n").file("status", "Uid:\tnobody\n")
                .link("ns/net", "mnt:[5]").cgroup("garbage\n\n");

        assertThat(procFs.stat(14)).isEmpty();
        assertThat(procFs.uid(14)).isEmpty();
        assertThat(procFs.netNamespaceInode(14)).isEmpty();
        assertThat(procFs.cgroup(14)).isEmpty();
    }

    @Test
    void socketInodesComeOnlyFromSocketLinks() {
        tree.process(20, 1, 9, "server").fd(0, "/dev/null").fd(1, "pipe:[555]").socket(3, 1001).socket(4, 1002)
                .fd(5, "anon_inode:[eventpoll]").fd(6, "socket:[not-a-number]");

        assertThat(procFs.socketInodes(20)).containsExactlyInAnyOrder(1001L, 1002L);
    }

    @Test
    void cgroupPrefersTheUnifiedLineOnAHybridHost() {
        // The capture is this machine's: v1 controllers (memory in a sub-cgroup) and "0::/".
        assertThat(CgroupPath.choose(Captures.read("host/cgroup"))).contains(new CgroupPath("", "/"));
    }

    @Test
    void cgroupFallsBackToTheFirstV1LineOnAV1OnlyHost() {
        String v1Only = "12:pids:/user.slice\n11:memory:/user.slice/user-0.slice\n1:name=systemd:/user.slice\n";

        CgroupPath cgroup = CgroupPath.choose(v1Only).orElseThrow();

        assertThat(cgroup.unified()).isFalse();
        assertThat(cgroup.recorded()).isEqualTo("pids:/user.slice");
    }

    @Test
    void cgroupPathMayContainColons() {
        assertThat(CgroupPath.choose("0::/kubepods/pod:1/abc\n"))
                .contains(new CgroupPath("", "/kubepods/pod:1/abc"));
    }

    @Test
    void nodeFactsComeFromProcSys() {
        tree.file("sys/kernel/random/boot_id", "0b6c6e52-2f4e-4c1e-9b77-1d4ef7a0c2f1\n")
                .file("sys/kernel/hostname", "node-a\n").file("sys/kernel/osrelease", "6.18.44\n");

        assertThat(procFs.bootId()).contains("0b6c6e52-2f4e-4c1e-9b77-1d4ef7a0c2f1");
        assertThat(procFs.hostname()).contains("node-a");
        assertThat(procFs.kernelRelease()).contains("6.18.44");
    }

    @Test
    void netFilesAreReadThroughTheProcess() {
        tree.process(30, 1, 9, "x").net("tcp", Captures.read("netns-sockets/tcp"));

        assertThat(procFs.netFile(30, "tcp")).contains(Captures.read("netns-sockets/tcp"));
        assertThat(procFs.netFile(30, "udp")).isEmpty();
    }
}
