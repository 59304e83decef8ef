package io.tapwire.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.proc.RealMachine;
import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessSnapshot;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A snapshot of this machine: the test's own child process, TCP listener and connection (both ends), and a
 * network namespace it creates, must appear as /proc/self and the JVM name them; the whole snapshot must split
 * under its budget and round-trip through Avro.
 */
class InventorySnapshotterKernelIT {

    static final int SELF = (int) ProcessHandle.current().pid();
    static final String LONG_ARGUMENT = "x".repeat(20_000);

    Process child;
    ServerSocket server;
    Socket client;
    Socket accepted;
    RealMachine.TestNamespace namespace;
    Set<Long> testSockets;

    @BeforeAll
    static void requireRoot() throws Exception {
        RealMachine.requireRoot();
    }

    @BeforeEach
    void setUp() throws Exception {
        Set<Long> before = new HashSet<>(RealMachine.ownSocketInodes());
        child = new ProcessBuilder("sleep", "30").start();
        server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        client = new Socket(InetAddress.getByName("127.0.0.1"), server.getLocalPort());
        accepted = server.accept();
        testSockets = new HashSet<>(RealMachine.ownSocketInodes());
        testSockets.removeAll(before);
        namespace = RealMachine.TestNamespace.create();
        namespace.exec("ip", "addr", "add", "10.77.9.1/24", "dev", "lo");
        namespace.startMember();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {accepted, client, server, namespace}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void childProcessIsInTheSnapshotWithItsParentAndStartTime() throws Exception {
        InventoryContents contents = InventorySnapshotter.builder("it").build().scan();

        ProcessSnapshot sleep = contents.processes().stream().filter(process -> process.getPid() == child.pid())
                .findFirst().orElseThrow();
        assertThat(sleep.getPpid()).isEqualTo(SELF);
        assertThat(sleep.getCmdline()).containsExactly("sleep", "30");
        assertThat(sleep.getExe()).isEqualTo("/usr/bin/sleep");
        long bootMillis = 1000 * Long.parseLong(Files.readAllLines(Path.of("/proc/stat")).stream()
                .filter(line -> line.startsWith("btime ")).findFirst().orElseThrow().substring(6).trim());
        assertThat(sleep.getStartTimeTicks() * 10)
                .isEqualTo(child.info().startInstant().orElseThrow().toEpochMilli() - bootMillis);
        assertThat(sleep.getCgroupPath()).startsWith("/");
        assertThat(sleep.getCgroupId()).isPositive();
    }

    @Test
    void ownListenerAndConnectionAppearWithTheirInodesAndRoles() {
        InventoryContents contents = InventorySnapshotter.builder("it").build().scan();

        ListenerSnapshot listener = contents.listeners().stream()
                .filter(candidate -> candidate.getPort() == server.getLocalPort()).findFirst().orElseThrow();
        assertThat(listener.getPid()).isEqualTo(SELF);
        assertThat(listener.getAddress()).isIn("127.0.0.1", "::ffff:127.0.0.1");
        ConnectionSnapshot clientEnd = connectionWithLocalPort(contents, client.getLocalPort());
        ConnectionSnapshot serverEnd = connectionWithLocalPort(contents, accepted.getLocalPort());
        assertThat(clientEnd.getRole()).isEqualTo(ConnectionRole.CLIENT);
        assertThat(serverEnd.getRole()).isEqualTo(ConnectionRole.SERVER);
        assertThat(serverEnd.getTuple().getRemotePort()).isEqualTo(client.getLocalPort());
        assertThat(clientEnd.getTuple().getRemotePort()).isEqualTo(server.getLocalPort());
        assertThat(clientEnd.getPids()).containsExactly(SELF);
        assertThat(serverEnd.getPids()).containsExactly(SELF);
        assertThat(clientEnd.getTcpState()).isEqualTo("ESTABLISHED");
        assertThat(Set.of(listener.getSocketInode(), clientEnd.getSocketInode(), serverEnd.getSocketInode()))
                .as("inodes of the sockets the test opened, from /proc/self/fd").isEqualTo(testSockets);
    }

    @Test
    void aBoundUdpSocketIsAUdpListenerAndAConnectedOneIsNot() throws Exception {
        try (java.net.DatagramSocket bound = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
             java.net.DatagramSocket connected = new java.net.DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            connected.connect(InetAddress.getByName("127.0.0.1"), bound.getLocalPort());

            InventoryContents contents = InventorySnapshotter.builder("it").build().scan();

            ListenerSnapshot udp = contents.listeners().stream()
                    .filter(candidate -> candidate.getPort() == bound.getLocalPort()
                            && candidate.getTransport() == io.tapwire.schemas.raw.Transport.UDP)
                    .findFirst().orElseThrow();
            assertThat(udp.getPid()).isEqualTo(SELF);
            assertThat(udp.getAddress()).isIn("127.0.0.1", "::ffff:127.0.0.1");
            assertThat(contents.listeners()).noneMatch(candidate -> candidate.getPort() == connected.getLocalPort());
            assertThat(contents.connections()).noneMatch(c -> c.getTuple().getLocalPort() == connected.getLocalPort());
        }
    }

    @Test
    void createdNamespaceAppearsWithItsAddress() throws Exception {
        InventoryContents contents = InventorySnapshotter.builder("it").build().scan();

        NetworkNamespace created = contents.namespaces().stream()
                .filter(candidate -> candidate.getInode() == inodeOf(namespace)).findFirst().orElseThrow();
        assertThat(created.getInterfaces()).singleElement().satisfies(anInterface -> {
            assertThat(anInterface.getName()).isEqualTo("lo");
            assertThat(anInterface.getAddresses()).containsExactly("10.77.9.1");
        });
    }

    @Test
    void excludedProcessesTheirChildrenAndTheirSocketsAreLeftOut() {
        InventoryContents contents = InventorySnapshotter.builder("it").excludedPids(Set.of(SELF)).build().scan();

        assertThat(contents.processes()).extracting(ProcessSnapshot::getPid).doesNotContain(SELF, (int) child.pid());
        List<Long> inodes = new ArrayList<>();
        contents.listeners().forEach(listener -> inodes.add(listener.getSocketInode()));
        contents.connections().forEach(connection -> inodes.add(connection.getSocketInode()));
        assertThat(inodes).doesNotContainAnyElementsOf(testSockets);
    }

    @Test
    void wholeMachineSplitsUnderTheBudgetAndRoundTrips() throws Exception {
        // A command line far larger than the smallest part budget, like a JVM's with a long classpath.
        Process longOne = new ProcessBuilder("sh", "-c", "sleep 30", "tapwire-long-cmdline", LONG_ARGUMENT).start();
        try {
            wholeMachineSplitsUnderTheBudgetAndRoundTrips(longOne);
        } finally {
            longOne.destroyForcibly();
            longOne.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void wholeMachineSplitsUnderTheBudgetAndRoundTrips(Process longOne) {
        AvroCodec<NodeInventory> codec = AvroCodec.of(NodeInventory.class);
        int budget = InventorySnapshotter.MIN_PART_BUDGET_BYTES;
        List<NodeInventory> parts = InventorySnapshotter.builder("it").partBudgetBytes(budget).build()
                .snapshot(42, new CountingHeaders(500));

        assertThat(parts.size()).isGreaterThan(1);
        int processes = 0;
        for (NodeInventory part : parts) {
            byte[] encoded = codec.encode(part);
            assertThat(encoded.length).as("part %d of %d", part.getPart(), part.getParts())
                    .isLessThanOrEqualTo(budget);
            assertThat(codec.decode(encoded)).isEqualTo(part);
            assertThat(part.getSnapshotId()).isEqualTo(500);
            assertThat(part.getParts()).isEqualTo(parts.size());
            processes += part.getProcesses().size();
        }
        assertThat(processes).isGreaterThan(10);
        assertThat(parts.stream().flatMap(part -> part.getProcesses().stream()).filter(p -> p.getPid() == SELF))
                .hasSize(1);
        ProcessSnapshot cut = parts.stream().flatMap(part -> part.getProcesses().stream())
                .filter(p -> p.getPid() == longOne.pid()).findFirst().orElseThrow();
        assertThat(cut.getCmdline()).as("cut to fit a part, from the end").startsWith("sh", "-c", "sleep 30")
                .hasSize(5);
        assertThat(LONG_ARGUMENT).startsWith(cut.getCmdline().get(4)).isNotEqualTo(cut.getCmdline().get(4));

        List<NodeInventory> whole = InventorySnapshotter.builder("it").build().snapshot(42, new CountingHeaders(900));
        for (NodeInventory part : whole) {
            assertThat(codec.encode(part).length).isLessThanOrEqualTo(InventorySnapshotter.DEFAULT_PART_BUDGET_BYTES);
        }
    }

    @Test
    void snapshotsTakenWhileProcessesComeAndGoNeverFail() throws Exception {
        InventorySnapshotter snapshotter = InventorySnapshotter.builder("it").build();
        Process churn = new ProcessBuilder("sh", "-c", "while :; do /bin/true; done").start();
        try {
            for (int i = 0; i < 10; i++) {
                List<NodeInventory> parts = snapshotter.snapshot(0, new CountingHeaders(i * 100L));
                assertThat(parts).isNotEmpty();
                assertThat(parts.get(0).getProcesses()).extracting(ProcessSnapshot::getPid).contains(SELF);
            }
        } finally {
            churn.destroyForcibly();
            churn.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static ConnectionSnapshot connectionWithLocalPort(InventoryContents contents, int port) {
        return contents.connections().stream()
                .filter(connection -> connection.getTuple().getLocalPort() == port
                        && connection.getTuple().getLocalAddress().endsWith("127.0.0.1"))
                .findFirst().orElseThrow();
    }

    private static long inodeOf(RealMachine.TestNamespace namespace) {
        try {
            return namespace.inode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
