package io.tapwire.collector.proc;

import io.tapwire.collector.bpf.TcpState;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ProcFs and ProcessFactsCache on the real /proc, against what the JVM and the kernel say. */
class ProcFsKernelIT {

    final ProcFs procFs = ProcFs.system();
    Process child;

    @BeforeAll
    static void requireRoot() throws Exception {
        RealMachine.requireRoot();
    }

    @AfterEach
    void stopChild() throws Exception {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void childHasTheParentAndStartTimeTheJvmSees() throws Exception {
        child = new ProcessBuilder("sleep", "5").start();
        int pid = (int) child.pid();

        ProcStat stat = procFs.stat(pid).orElseThrow();

        assertThat(stat.ppid()).isEqualTo((int) ProcessHandle.current().pid());
        // The JDK computes startInstant as btime (from /proc/stat) + start ticks * 1000 / USER_HZ, in milliseconds.
        long bootMillis = 1000 * Long.parseLong(Files.readAllLines(Path.of("/proc/stat")).stream()
                .filter(line -> line.startsWith("btime ")).findFirst().orElseThrow().substring(6).trim());
        long startMillis = child.info().startInstant().orElseThrow().toEpochMilli();
        assertThat(stat.startTimeTicks() * 10).isEqualTo(startMillis - bootMillis);
        assertThat(procFs.exe(pid)).contains(new Executable("/usr/bin/sleep", false));
        assertThat(procFs.cmdline(pid, 4096)).containsExactly("sleep", "5");
        assertThat(procFs.comm(pid)).contains("sleep");
        assertThat(procFs.uid(pid)).hasValue(0);
        int self = (int) ProcessHandle.current().pid();
        assertThat(procFs.cgroup(pid)).isEqualTo(procFs.cgroup(self)).isPresent();
        assertThat(procFs.cgroup(pid).orElseThrow().unified()).isTrue();
        assertThat(procFs.netNamespaceInode(pid)).isEqualTo(procFs.netNamespaceInode(self));
        assertThat(procFs.netNamespaceInode(pid).getAsLong()).isEqualTo(
                Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString().replaceAll("\\D", "")));
    }

    @Test
    void cacheNamesTheProcessExactlyAndForgetsItWhenItIsGone() throws Exception {
        child = new ProcessBuilder("sleep", "5").start();
        int pid = (int) child.pid();
        ProcessFactsCache cache = new ProcessFactsCache(procFs);
        long ticks = procFs.stat(pid).orElseThrow().startTimeTicks();

        assertThat(cache.lookup(pid, ticks).orElseThrow().cmdline()).containsExactly("sleep", "5");
        assertThat(cache.lookup(pid, ticks + 1)).isEmpty();

        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);

        assertThat(cache.lookup(pid, ticks)).isEmpty();
        cache.evictExited();
        assertThat(cache.size()).isZero();
    }

    @Test
    void everyProcessOfTheMachineReadsWithoutExceptions() {
        List<Integer> pids = procFs.pids();

        assertThat(pids).contains((int) ProcessHandle.current().pid(), 2);
        ProcessFactsCache cache = new ProcessFactsCache(procFs);
        int read = 0;
        for (int pid : pids) {
            if (cache.lookup(pid).isPresent()) {
                read++;
            }
            procFs.socketInodes(pid);
        }
        assertThat(read).isGreaterThan(pids.size() / 2);
        ProcessFacts kthreadd = cache.lookup(2).orElseThrow();
        assertThat(kthreadd.comm()).isEqualTo("kthreadd");
        assertThat(kthreadd.executable()).isEmpty();
        assertThat(kthreadd.cmdline()).isEmpty();
        assertThat(kthreadd.ppid()).isZero();
    }

    @Test
    void ownSocketsAppearInTheOwnSocketTables() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 10,
                java.net.InetAddress.getByName("127.0.0.1"));
             java.net.DatagramSocket datagrams = new java.net.DatagramSocket(0,
                     java.net.InetAddress.getByName("127.0.0.1"))) {
            int self = (int) ProcessHandle.current().pid();

            List<InetSocket> sockets = new SocketTable(procFs).sockets(self).orElseThrow();

            InetSocket udp = sockets.stream().filter(socket -> socket.transport() == io.tapwire.schemas.raw.Transport.UDP
                    && socket.localPort() == datagrams.getLocalPort()).findFirst().orElseThrow();
            assertThat(udp.state()).as("unconnected").isEqualTo(TcpState.CLOSE);
            assertThat(RealMachine.ownSocketInodes()).contains(udp.inode());

            InetSocket listener = sockets.stream().filter(socket -> socket.localPort() == server.getLocalPort())
                    .findFirst().orElseThrow();
            assertThat(listener.state()).isEqualTo(TcpState.LISTEN);
            assertThat(listener.localAddress()).isIn("127.0.0.1", "::ffff:127.0.0.1");
            assertThat(RealMachine.ownSocketInodes()).contains(listener.inode());
        }
    }
}
