package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What existed before the collector started — a server process, its listener, a connection to it — is in the first
 * inventory snapshot, and the connection keeps the id the snapshot gave it (the socket inode) when the kernel later
 * reports its CLOSE.
 */
class InventorySnapshotKernelIT {

    private static final int JVM_PID = (int) ProcessHandle.current().pid();

    /**
     * Listens, prints its port and the listener's inode, accepts one connection, prints its inode (fstat: the
     * kernel's own number), reads until the peer closes, closes, and holds the listener until stdin closes.
     */
    private static final String HOLDING_SERVER = String.join("\n",
            "import os, socket, sys",
            "server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "server.bind(('127.0.0.1', 0))",
            "server.listen(1)",
            "print(server.getsockname()[1], os.fstat(server.fileno()).st_ino, flush=True)",
            "connection, _ = server.accept()",
            "print(os.fstat(connection.fileno()).st_ino, flush=True)",
            "while connection.recv(4096):",
            "    pass",
            "connection.close()",
            "print('closed', flush=True)",
            "sys.stdin.read()");

    private static CollectorStack stack;
    private static Process server;
    private static BufferedReader serverLines;
    private static int port;
    private static long listenerInode;
    private static long acceptedInode;
    private static Socket client;

    /** The server, its listener and the connection exist first; then the collector starts. */
    @BeforeAll
    static void startServerThenCollector() throws Exception {
        String python = Python.path();
        stack = CollectorStack.startKafka();
        server = new ProcessBuilder(python, "-c", HOLDING_SERVER).start();
        serverLines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String[] listening = serverLines.readLine().split(" ");
        port = Integer.parseInt(listening[0]);
        listenerInode = Long.parseLong(listening[1]);
        client = new Socket(InetAddress.getByName("127.0.0.1"), port);
        acceptedInode = Long.parseLong(serverLines.readLine());
        client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        stack.startCollector();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        try {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    void whatExistedBeforeTheCollectorIsInItsFirstSnapshotAndKeepsItsIdUntilClose() throws Exception {
        int serverPid = (int) server.pid();
        int clientPort = client.getLocalPort();
        List<NodeInventory> firstSnapshot = firstSnapshot();
        List<ProcessSnapshot> processes = firstSnapshot.stream().flatMap(part -> part.getProcesses().stream()).toList();
        List<ListenerSnapshot> listeners = firstSnapshot.stream().flatMap(part -> part.getListeners().stream()).toList();
        List<ConnectionSnapshot> connections = firstSnapshot.stream().flatMap(part -> part.getConnections().stream())
                .toList();

        assertThat(processes).filteredOn(p -> p.getPid() == serverPid).singleElement().satisfies(p -> {
            assertThat(p.getComm()).isEqualTo("python3");
            assertThat(p.getExe()).startsWith("/usr/bin/python3");
            assertThat(p.getCmdline()).startsWith(Python.path(), "-c");
            assertThat(p.getPpid()).isEqualTo(JVM_PID);
        });
        assertThat(listeners).filteredOn(l -> l.getPort() == port).singleElement().satisfies(l -> {
            assertThat(l.getSocketInode()).as("the listener's inode, as fstat gave it").isEqualTo(listenerInode);
            assertThat(l.getPid()).isEqualTo(serverPid);
            assertThat(l.getAddress()).isEqualTo("127.0.0.1");
        });
        ConnectionSnapshot accepted = connections.stream().filter(c -> c.getSocketInode() == acceptedInode)
                .findFirst().orElseThrow(() -> new AssertionError("no connection " + acceptedInode + " in " + connections));
        assertThat(accepted.getPids()).containsExactly(serverPid);
        assertThat(accepted.getRole()).as("its local port listens").isEqualTo(ConnectionRole.SERVER);
        assertThat(accepted.getTuple().getLocalPort()).isEqualTo(port);
        assertThat(accepted.getTuple().getRemotePort()).isEqualTo(clientPort);
        assertThat(accepted.getTcpState()).isEqualTo("ESTABLISHED");
        ConnectionSnapshot connected = connections.stream().filter(c -> c.getTuple().getLocalPort() == clientPort
                && c.getTuple().getRemotePort() == port).findFirst().orElseThrow();
        assertThat(connected.getPids()).containsExactly(JVM_PID);
        assertThat(connected.getRole()).isEqualTo(ConnectionRole.CLIENT);

        // More bytes, then the client closes; the server reads the end, closes, and says so.
        client.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
        client.close();
        assertThat(serverLines.readLine()).isEqualTo("closed");

        TcpEvent clientClose = stack.tcp().awaitOne(e -> e.getType() == TcpEventType.CLOSE
                && e.getSocketInode() == connected.getSocketInode(), "CLOSE of the client socket from the snapshot");
        TcpEvent serverClose = stack.tcp().awaitOne(e -> e.getType() == TcpEventType.CLOSE
                && e.getSocketInode() == acceptedInode, "CLOSE of the accepted socket from the snapshot");
        assertThat(clientClose.getTask().getPid()).isEqualTo(JVM_PID);
        assertThat(clientClose.getTuple().getLocalPort()).isEqualTo(clientPort);
        assertThat(serverClose.getTask().getPid()).isEqualTo(serverPid);
        assertThat(serverClose.getTuple().getLocalPort()).isEqualTo(port);
        // The kernel saw neither the connect nor the accept: the role comes from the collector's snapshot.
        assertThat(clientClose.getRole()).isEqualTo(ConnectionRole.CLIENT);
        assertThat(serverClose.getRole()).isEqualTo(ConnectionRole.SERVER);
        // The counters are the socket's since it was created, before the collector too.
        assertThat(serverClose.getBytesReceived()).isEqualTo(8L);
        assertThat(serverClose.getBytesSent()).isZero();
        assertThat(clientClose.getBytesReceived()).isZero();
        // The kernel counts the client's SYN in bytes_acked; knowing the role from the snapshot, the collector takes
        // it out: the 8 bytes of payload exactly.
        assertThat(clientClose.getBytesSent()).isEqualTo(8L);
        assertThat(stack.tcp().readToEnd()).filteredOn(e -> e.getSocketInode() == acceptedInode
                        || e.getSocketInode() == connected.getSocketInode())
                .extracting(TcpEvent::getType).containsOnly(TcpEventType.CLOSE).hasSize(2);
    }

    /**
     * The topology names a process that ran before the collector from the first snapshot, in event time: a kernel
     * event stamped before the snapshot would find no process and be named by its thread's name (a JVM's
     * {@code kafka-producer-…}). So the first snapshot is read before the probes attach.
     */
    @Test
    void theFirstSnapshotPrecedesEveryKernelEvent() throws Exception {
        Process exec = new ProcessBuilder("true").start();
        assertThat(exec.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int execPid = (int) exec.pid();
        stack.processes().await(e -> e.getTask().getPid() == execPid, "an event of the process started after the collector");
        long snapshotTime = firstSnapshot().stream().mapToLong(part -> part.getHeader().getEpochTimeNs()).max()
                .orElseThrow();
        List<Long> eventTimes = new java.util.ArrayList<>();
        stack.processes().readToEnd().stream().filter(e -> !e.getHeader().getHeartbeat())
                .forEach(e -> eventTimes.add(e.getHeader().getEpochTimeNs()));
        stack.tcp().readToEnd().stream().filter(e -> !e.getHeader().getHeartbeat())
                .forEach(e -> eventTimes.add(e.getHeader().getEpochTimeNs()));
        assertThat(eventTimes).isNotEmpty().allSatisfy(time -> assertThat(time)
                .as("a kernel event's time against the first snapshot's %d", snapshotTime).isGreaterThan(snapshotTime));
    }

    /** Every part of the collector's first snapshot (the lowest snapshotId). */
    private static List<NodeInventory> firstSnapshot() {
        NodeInventory first = stack.inventory().await(e -> !e.getHeader().getHeartbeat(), "an inventory snapshot")
                .stream().filter(e -> !e.getHeader().getHeartbeat())
                .min(Comparator.comparingLong(NodeInventory::getSnapshotId)).orElseThrow();
        return stack.inventory().awaitCount(e -> !e.getHeader().getHeartbeat()
                && e.getSnapshotId() == first.getSnapshotId(), first.getParts(), "parts of snapshot " + first.getSnapshotId());
    }
}
