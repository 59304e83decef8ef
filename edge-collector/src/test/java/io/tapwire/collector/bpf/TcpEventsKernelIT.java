package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.collector.proc.ProcStat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TCP lifecycle events of connections the test JVM makes to itself over loopback, checked against
 * what /proc says about the same sockets. Nothing is excluded, so the JVM's own sockets are seen.
 */
class TcpEventsKernelIT {

    private static final int JVM_PID = (int) ProcessHandle.current().pid();
    /** The JVM is several threads: none of them (main, the pool that accepts) is the group leader. */
    private static final long JVM_START_TICKS = jvmStartTicks();
    private static final int REQUEST_BYTES = 100_000;
    private static final int RESPONSE_BYTES = 250_000;
    private static final int ECONNREFUSED = 111;

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @Test
    void aConnectionFromListenToCloseCarriesOneInodePerSocketAndExactByteCounts() throws Exception {
        try (EventRecorder recorder = EventRecorder.start()) {
            ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            int serverPort = server.getLocalPort();
            Socket client;
            CompletableFuture<Long> serverSide;
            long listenerInodeInProc;
            long clientInodeInProc;
            long serverInodeInProc;
            Set<Long> jvmSocketInodes;
            try {
                serverSide = CompletableFuture.supplyAsync(() -> serve(server));
                client = new Socket();
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
                int clientPort = client.getLocalPort();
                client.getOutputStream().write(new byte[REQUEST_BYTES]);
                assertThat(client.getInputStream().readNBytes(RESPONSE_BYTES)).hasSize(RESPONSE_BYTES);

                // While every socket is open: what /proc calls them.
                List<String> table = ProcfsSockets.tcpTable();
                listenerInodeInProc = ProcfsSockets.inodeOf(table, serverPort, 0).orElseThrow();
                clientInodeInProc = ProcfsSockets.inodeOf(table, clientPort, serverPort).orElseThrow();
                serverInodeInProc = ProcfsSockets.inodeOf(table, serverPort, clientPort).orElseThrow();
                jvmSocketInodes = ProcfsSockets.socketInodes(JVM_PID);
                client.close();
                assertThat(serverSide.get(10, TimeUnit.SECONDS)).as("bytes the server read before EOF")
                        .isEqualTo(REQUEST_BYTES);
            } finally {
                server.close();
            }
            assertThat(jvmSocketInodes).as("socket:[inode] links in /proc/self/fd")
                    .contains(listenerInodeInProc, clientInodeInProc, serverInodeInProc);
            long netns = inode(Path.of("/proc/self/ns/net"));
            long cgroup = Cgroup2.id(Cgroup2.of(JVM_PID));

            TcpEvent listen = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_LISTEN_OPEN
                    && e.endpoints().localPort() == serverPort, "LISTEN_OPEN on port " + serverPort);
            assertThat(listen.socketInode()).isEqualTo(listenerInodeInProc);
            assertThat(listen.role()).isEqualTo(TcpRole.LISTENER);
            assertThat(listen.state()).isEqualTo(TcpState.LISTEN);
            assertThat(listen.task()).isEqualTo(new KernelTask(JVM_PID, listen.task().tid(), listen.task().comm(),
                    cgroup, netns));
            assertThat(listen.processStartTicks()).as("field 22 of /proc/self/stat").isEqualTo(JVM_START_TICKS);

            TcpEvent connect = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CONNECT_OK
                    && e.endpoints().remotePort() == serverPort, "CONNECT_OK to port " + serverPort);
            assertThat(connect.socketInode()).isEqualTo(clientInodeInProc);
            assertThat(connect.role()).isEqualTo(TcpRole.CLIENT);
            assertThat(connect.task().pid()).isEqualTo(JVM_PID);
            assertThat(connect.processStartTicks()).as("CONNECT_OK, from the socket map").isEqualTo(JVM_START_TICKS);
            assertThat(connect.task().netnsInode()).isEqualTo(netns);
            assertThat(connect.handshakeNs()).as("SYN_SENT to ESTABLISHED").isPositive()
                    .isLessThan(Duration.ofSeconds(1).toNanos());
            assertThat(ProcfsSockets.ipv4(connect.endpoints().remoteAddress())).isEqualTo("127.0.0.1");
            int clientPort = connect.endpoints().localPort();

            TcpEvent accept = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_ACCEPT
                    && e.endpoints().localPort() == serverPort, "ACCEPT on port " + serverPort);
            assertThat(accept.socketInode()).isEqualTo(serverInodeInProc);
            assertThat(accept.role()).isEqualTo(TcpRole.SERVER);
            assertThat(accept.endpoints().remotePort()).isEqualTo(clientPort);
            assertThat(accept.fd()).as("fd accept returned").isNotNegative();
            assertThat(accept.task().pid()).isEqualTo(JVM_PID);
            assertThat(accept.processStartTicks()).as("ACCEPT, in the accepting thread").isEqualTo(JVM_START_TICKS);

            TcpEvent clientClose = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CLOSE
                    && e.socketInode() == clientInodeInProc, "CLOSE of the client socket");
            assertThat(clientClose.role()).isEqualTo(TcpRole.CLIENT);
            assertThat(clientClose.task().pid()).as("owner, although CLOSE fires in softirq").isEqualTo(JVM_PID);
            assertThat(clientClose.processStartTicks()).as("owner's start ticks, although CLOSE fires in softirq")
                    .isEqualTo(JVM_START_TICKS);
            assertThat(clientClose.bytesAcked()).as("client bytes acked").isEqualTo(REQUEST_BYTES);
            assertThat(clientClose.bytesReceived()).as("client bytes received").isEqualTo(RESPONSE_BYTES);
            assertThat(clientClose.state()).isEqualTo(TcpState.CLOSE);
            assertThat(clientClose.endpoints()).as("the tuple, although the kernel released the port before CLOSE")
                    .isEqualTo(connect.endpoints());

            TcpEvent serverClose = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CLOSE
                    && e.socketInode() == serverInodeInProc, "CLOSE of the accepted socket");
            assertThat(serverClose.role()).isEqualTo(TcpRole.SERVER);
            assertThat(serverClose.task().pid()).isEqualTo(JVM_PID);
            assertThat(serverClose.processStartTicks()).isEqualTo(JVM_START_TICKS);
            assertThat(serverClose.bytesAcked()).as("server bytes acked").isEqualTo(RESPONSE_BYTES);
            assertThat(serverClose.bytesReceived()).as("server bytes received").isEqualTo(REQUEST_BYTES);

            TcpEvent listenClose = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_LISTEN_CLOSE
                    && e.socketInode() == listenerInodeInProc, "LISTEN_CLOSE of the listener");
            assertThat(listenClose.role()).isEqualTo(TcpRole.LISTENER);
            assertThat(listenClose.task().pid()).isEqualTo(JVM_PID);
            assertThat(listenClose.processStartTicks()).isEqualTo(JVM_START_TICKS);
            assertThat(listenClose.endpoints().localPort()).isEqualTo(serverPort);
            assertThat(recorder.events(TcpEvent.class, e -> e.type() == EventType.TCP_LISTEN_CLOSE
                    && e.endpoints().localPort() == serverPort)).as("one LISTEN_CLOSE: accepted children are not listeners")
                    .containsExactly(listenClose);
        }
    }

    @Test
    void aConnectToAClosedPortFailsWithConnectionRefused() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (EventRecorder recorder = EventRecorder.start(); Socket client = new Socket()) {
            assertThatThrownBy(() -> client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort)))
                    .isInstanceOf(ConnectException.class);

            TcpEvent failed = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CONNECT_FAILED
                    && e.endpoints().remotePort() == closedPort, "CONNECT_FAILED to port " + closedPort);

            assertThat(failed.errorCode()).isEqualTo(ECONNREFUSED);
            assertThat(failed.task().pid()).isEqualTo(JVM_PID);
            assertThat(failed.processStartTicks()).isEqualTo(JVM_START_TICKS);
            assertThat(failed.role()).isEqualTo(TcpRole.CLIENT);
            assertThat(failed.socketInode()).isPositive();
            recorder.drain(Duration.ofMillis(200));
            assertThat(recorder.events(TcpEvent.class, e -> e.socketInode() == failed.socketInode()))
                    .as("one failure, and no CLOSE for a connection that never existed").containsExactly(failed);
        }
    }

    @Test
    void aBusyConnectionReportsStatsPeriodically() throws Exception {
        KernelProbeSettings settings = KernelProbeSettings.builder().tcpStatsInterval(Duration.ofMillis(50)).build();
        try (EventRecorder recorder = EventRecorder.start(settings);
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> serverSide = CompletableFuture.supplyAsync(() -> drain(server));
            long clientInode;
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                TcpEvent connect = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CONNECT_OK
                        && e.endpoints().remotePort() == server.getLocalPort(), "CONNECT_OK");
                clientInode = connect.socketInode();
                OutputStream out = client.getOutputStream();
                for (int i = 0; i < 10; i++) { // 10 writes 60 ms apart: each interval sees traffic
                    out.write(new byte[1000]);
                    Thread.sleep(60);
                }
            }
            assertThat(serverSide.get(10, TimeUnit.SECONDS)).isEqualTo(10_000);
            recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CLOSE && e.socketInode() == clientInode,
                    "CLOSE of the client");

            List<TcpEvent> stats = recorder.events(TcpEvent.class,
                    e -> e.type() == EventType.TCP_STATS && e.socketInode() == clientInode);
            assertThat(stats).as("STATS of the client socket").hasSizeBetween(3, 10);
            assertThat(stats).allSatisfy(e -> {
                assertThat(e.task().pid()).isEqualTo(JVM_PID);
                assertThat(e.processStartTicks()).isEqualTo(JVM_START_TICKS);
                assertThat(e.role()).isEqualTo(TcpRole.CLIENT);
                assertThat(e.bytesAcked()).isBetween(1L, 10_000L);
            });
            assertThat(stats).extracting(TcpEvent::bytesAcked).isSorted();
            assertThat(stats.get(stats.size() - 1).ktimeNs() - stats.get(0).ktimeNs())
                    .as("spread over the writes").isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos() * (stats.size() - 1));
        }
    }

    /** Accepts one connection, reads the request, answers, reads to EOF; returns the bytes read. */
    private static long serve(ServerSocket server) {
        try (Socket connection = server.accept()) {
            InputStream in = connection.getInputStream();
            long read = in.readNBytes(REQUEST_BYTES).length;
            connection.getOutputStream().write(new byte[RESPONSE_BYTES]);
            read += in.transferTo(OutputStream.nullOutputStream());
            return read;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static long drain(ServerSocket server) {
        try (Socket connection = server.accept()) {
            return connection.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static long jvmStartTicks() {
        try {
            return ProcStat.parse(Files.readString(Path.of("/proc/self/stat"))).orElseThrow().startTimeTicks();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long inode(Path path) throws IOException {
        return ((Number) Files.getAttribute(path, "unix:ino")).longValue();
    }
}
