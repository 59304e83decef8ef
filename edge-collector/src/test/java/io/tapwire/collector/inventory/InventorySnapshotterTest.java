package io.tapwire.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapwire.collector.proc.Captures;
import io.tapwire.collector.proc.FakeProcTree;
import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole node in a fake /proc: a host namespace with nginx (master and worker sharing the listener), curl
 * talking to it, an ownerless listener, Tapwire's own collector and its child, odd processes; and a second
 * namespace whose sockets and addresses are real captures.
 */
class InventorySnapshotterTest {

    static final long HOST = 4026531840L;
    static final long POD = 4026532177L;
    static final String TCP_HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    @TempDir
    Path dir;
    FakeProcTree tree;
    Path cgroupRoot;
    InventorySnapshotter snapshotter;

    @BeforeEach
    void setUp() throws Exception {
        tree = new FakeProcTree(Files.createDirectories(dir.resolve("proc")));
        cgroupRoot = Files.createDirectories(dir.resolve("cgroup"));
        Files.createDirectories(cgroupRoot.resolve("system.slice/nginx.service"));
        tree.file("self/mountinfo", "41 31 0:38 / " + cgroupRoot + " rw,relatime - cgroup2 cgroup2 rw\n")
                .file("sys/kernel/hostname", "node-a\n")
                .file("sys/kernel/osrelease", "6.18.44-test\n");
        Files.writeString(dir.resolve("machine-id"), "3d1219c7c4c5404aaa1f6d2a48adfda4\n");

        FakeProcTree.FakeProcess init = tree.process(1, 0, 1, "init").exe("/sbin/init").cmdline("/sbin/init")
                .cgroup("0::/\n").netns(HOST).uid(0);
        for (String file : List.of("dev", "fib_trie", "route", "if_inet6")) {
            init.net(file, Captures.read("host/" + file));
        }
        init.net("tcp", TCP_HEADER
                + line(0, "00000000:0050", "00000000:0000", "0A", 5001)
                + line(1, "0100007F:0050", "0100007F:9C40", "01", 5002)
                + line(2, "0100007F:9C40", "0100007F:0050", "01", 5003)
                + line(3, "00000000:0016", "00000000:0000", "0A", 7001)
                + line(4, "00000000:2382", "00000000:0000", "0A", 6001)
                + line(5, "0100007F:A000", "0100007F:2382", "01", 6002)
                + line(6, "0100007F:A001", "0100007F:0050", "06", 0)
                + line(7, "00000000:1F40", "00000000:0000", "07", 8001));
        tree.process(2, 0, 0, "kthreadd").file("cmdline", "").netns(HOST);
        tree.process(100, 1, 50, "nginx").exe("/usr/sbin/nginx").cmdline("nginx: master process /usr/sbin/nginx")
                .cgroup("0::/system.slice/nginx.service\n").netns(HOST).uid(0).socket(6, 5001);
        tree.process(101, 100, 51, "nginx").exe("/usr/sbin/nginx").cmdline("nginx: worker process")
                .cgroup("0::/system.slice/nginx.service\n").netns(HOST).uid(33).socket(6, 5001).socket(7, 5002);
        tree.process(200, 1, 80, "curl").exe("/usr/bin/curl").cmdline("curl", "http://127.0.0.1/")
                .cgroup("0::/\n").netns(HOST).uid(1000).socket(3, 5003).socket(4, 8001);
        tree.process(300, 1, 90, "java").exe("/usr/bin/java").cmdline("java", "tapwire-collector")
                .cgroup("0::/\n").netns(HOST).uid(0).socket(10, 6001);
        tree.process(301, 300, 91, "sleep").exe("/usr/bin/sleep").cmdline("sleep", "5").netns(HOST).socket(3, 6002)
                .socket(4, 5003);
        tree.process(400, 1, 95, "my (odd) ) name").stat(FakeProcTree.statLine(400, "my (odd) ) name", 'Z', 1, 95))
                .exe("/opt/app (deleted)").file("cmdline", "").netns(HOST);
        Files.createDirectories(tree.root().resolve("500")); // vanished: its files are gone, its directory not yet

        FakeProcTree.FakeProcess python = tree.process(600, 1, 120, "python3").exe("/usr/bin/python3.11")
                .cmdline("python3", "/tmp/socks.py").cgroup("0::/\n").netns(POD).uid(0);
        for (String file : List.of("dev", "fib_trie", "route", "if_inet6")) {
            python.net(file, Captures.read("netns-veth/" + file));
        }
        python.net("tcp", Captures.read("netns-sockets/tcp")).net("tcp6", Captures.read("netns-sockets/tcp6"));
        for (String link : Captures.read("netns-sockets/fd-links.txt").split("\n")) {
            String[] fdAndTarget = link.split(" ", 2);
            python.fd(Integer.parseInt(fdAndTarget[0]), fdAndTarget[1]);
        }

        snapshotter = InventorySnapshotter.builder("0.1.0-test")
                .procFs(tree.procFs())
                .machineIdFile(dir.resolve("machine-id"))
                .excludedPids(Set.of(300))
                .build();
    }

    @AfterEach
    void removeLinks() {
        tree.removeLinks();
    }

    @Test
    void snapshotHoldsTheNodeFactsAndRoundTrips() {
        List<NodeInventory> parts = snapshotter.snapshot(1_790_000_000_000_000_000L, new CountingHeaders(77));

        assertThat(parts).hasSize(1);
        NodeInventory inventory = parts.get(0);
        assertThat(inventory.getHostname()).isEqualTo("node-a");
        assertThat(inventory.getMachineId()).isEqualTo("3d1219c7c4c5404aaa1f6d2a48adfda4");
        assertThat(inventory.getKernelRelease()).isEqualTo("6.18.44-test");
        assertThat(inventory.getCollectorVersion()).isEqualTo("0.1.0-test");
        assertThat(inventory.getClockOffsetNs()).isEqualTo(1_790_000_000_000_000_000L);
        assertThat(inventory.getUserHz()).isEqualTo(100);
        assertThat(inventory.getSnapshotId()).isEqualTo(77);
        assertThat(inventory.getPart()).isZero();
        assertThat(inventory.getParts()).isEqualTo(1);
        AvroCodec<NodeInventory> codec = AvroCodec.of(NodeInventory.class);
        assertThat(codec.decode(codec.encode(inventory))).isEqualTo(inventory);
    }

    @Test
    void processesAreAllButTapwiresOwnAndTheVanished() throws Exception {
        Map<Integer, ProcessSnapshot> processes = byKey(snapshotter.scan().processes(), ProcessSnapshot::getPid);

        assertThat(processes.keySet()).containsExactly(1, 2, 100, 101, 200, 400, 600);
        ProcessSnapshot worker = processes.get(101);
        assertThat(worker.getPpid()).isEqualTo(100);
        assertThat(worker.getStartTimeTicks()).isEqualTo(51);
        assertThat(worker.getUid()).isEqualTo(33);
        assertThat(worker.getComm()).isEqualTo("nginx");
        assertThat(worker.getExe()).isEqualTo("/usr/sbin/nginx");
        assertThat(worker.getCmdline()).containsExactly("nginx: worker process");
        assertThat(worker.getCgroupPath()).isEqualTo("/system.slice/nginx.service");
        assertThat(worker.getCgroupId()).isEqualTo(inode(cgroupRoot.resolve("system.slice/nginx.service")));
        assertThat(worker.getNetnsInode()).isEqualTo(HOST);
        assertThat(processes.get(1).getCgroupId()).isEqualTo(inode(cgroupRoot));
        assertThat(processes.get(600).getNetnsInode()).isEqualTo(POD);
    }

    @Test
    void oddProcessesAreRecordedWithWhatCouldBeRead() {
        Map<Integer, ProcessSnapshot> processes = byKey(snapshotter.scan().processes(), ProcessSnapshot::getPid);

        ProcessSnapshot kthread = processes.get(2);
        assertThat(kthread.getExe()).isNull();
        assertThat(kthread.getCmdline()).isEmpty();
        assertThat(kthread.getUid()).isNull();
        assertThat(kthread.getCgroupPath()).isNull();
        assertThat(kthread.getCgroupId()).isZero();
        ProcessSnapshot odd = processes.get(400);
        assertThat(odd.getComm()).isEqualTo("my (odd) ) name");
        assertThat(odd.getExe()).isEqualTo("/opt/app");
        assertThat(odd.getCmdline()).isEmpty();
        assertThat(odd.getStartTimeTicks()).isEqualTo(95);
    }

    @Test
    void listenersNameTheLowestHolderAndKeepOwnerlessOnes() {
        Map<Long, ListenerSnapshot> listeners = byKey(snapshotter.scan().listeners(),
                ListenerSnapshot::getSocketInode);

        assertThat(listeners.keySet()).containsExactlyInAnyOrder(5001L, 7001L, 175186L, 175187L);
        assertThat(listeners.get(5001L)).isEqualTo(ListenerSnapshot.newBuilder().setNetnsInode(HOST)
                .setSocketInode(5001).setPid(100).setTransport(Transport.TCP).setFamily(AddressFamily.IPV4)
                .setAddress("0.0.0.0").setPort(80).build());
        assertThat(listeners.get(7001L).getPid()).isZero();
        assertThat(listeners.get(175187L).getFamily()).isEqualTo(AddressFamily.IPV6);
        assertThat(listeners.get(175187L).getAddress()).isEqualTo("::");
        assertThat(listeners.get(175187L).getNetnsInode()).isEqualTo(POD);
    }

    @Test
    void connectionsCarryAllNonExcludedHoldersAndTheirRole() {
        Map<Long, ConnectionSnapshot> connections = byKey(snapshotter.scan().connections(),
                ConnectionSnapshot::getSocketInode);

        assertThat(connections.keySet()).containsExactlyInAnyOrder(5002L, 5003L, 175188L, 175189L, 175190L,
                175191L, 175192L, 175193L);
        ConnectionSnapshot accepted = connections.get(5002L);
        assertThat(accepted.getRole()).isEqualTo(ConnectionRole.SERVER);
        assertThat(accepted.getPids()).containsExactly(101);
        assertThat(accepted.getTcpState()).isEqualTo("ESTABLISHED");
        assertThat(accepted.getTuple().getLocalAddress()).isEqualTo("127.0.0.1");
        assertThat(accepted.getTuple().getLocalPort()).isEqualTo(80);
        assertThat(accepted.getTuple().getRemotePort()).isEqualTo(40000);
        ConnectionSnapshot client = connections.get(5003L);
        assertThat(client.getRole()).isEqualTo(ConnectionRole.CLIENT);
        assertThat(client.getPids()).containsExactly(200);
        Map<Long, ConnectionRole> podRoles = connections.values().stream()
                .filter(connection -> connection.getNetnsInode() == POD)
                .collect(Collectors.toMap(ConnectionSnapshot::getSocketInode, ConnectionSnapshot::getRole));
        assertThat(podRoles).isEqualTo(Map.of(175189L, ConnectionRole.SERVER, 175188L, ConnectionRole.CLIENT,
                175191L, ConnectionRole.SERVER, 175190L, ConnectionRole.CLIENT, 175193L, ConnectionRole.SERVER,
                175192L, ConnectionRole.CLIENT));
        assertThat(connections.get(175191L).getTuple().getFamily()).isEqualTo(AddressFamily.IPV6);
        assertThat(connections.get(175191L).getTuple().getLocalAddress()).isEqualTo("::ffff:127.0.0.1");
    }

    @Test
    void namespacesCarryTheirAddresses() {
        List<NetworkNamespace> namespaces = snapshotter.scan().namespaces();

        assertThat(namespaces).extracting(NetworkNamespace::getInode).containsExactly(HOST, POD);
        assertThat(namespaces.get(0).getInterfaces()).anySatisfy(anInterface -> {
            assertThat(anInterface.getName()).isEqualTo("eth0");
            assertThat(anInterface.getAddresses()).containsExactly("192.0.2.2", "fd00::2", "fe80::fc:ff:fe00:1");
        });
        assertThat(namespaces.get(1).getInterfaces()).anySatisfy(anInterface -> {
            assertThat(anInterface.getName()).isEqualTo("lo");
            assertThat(anInterface.getAddresses()).contains("10.77.9.1");
        });
    }

    @Test
    void withoutExclusionsTapwireIsSeenToo() {
        InventoryContents contents = InventorySnapshotter.builder("x").procFs(tree.procFs()).build().scan();

        assertThat(contents.processes()).extracting(ProcessSnapshot::getPid).contains(300, 301);
        assertThat(contents.listeners()).extracting(ListenerSnapshot::getSocketInode).contains(6001L);
        assertThat(byKey(contents.connections(), ConnectionSnapshot::getSocketInode).get(5003L).getPids())
                .containsExactly(200, 301);
    }

    @Test
    void missingMachineIdIsNull() {
        InventorySnapshotter withoutId = InventorySnapshotter.builder("x").procFs(tree.procFs())
                .machineIdFile(dir.resolve("absent")).build();

        assertThat(withoutId.snapshot(0, new CountingHeaders(1)).get(0).getMachineId()).isNull();
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> InventorySnapshotter.builder("x").partBudgetBytes(100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4096");
        assertThatThrownBy(() -> InventorySnapshotter.builder("x").userHz(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String line(int slot, String local, String remote, String state, long inode) {
        return String.format("%4d: %s %s %s 00000000:00000000 00:00000000 00000000     0        0 %d 1 "
                + "0000000000000000 100 0 0 10 0%n", slot, local, remote, state, inode);
    }

    private static <K, V> Map<K, V> byKey(List<V> values, Function<V, K> key) {
        return values.stream().collect(Collectors.toMap(key, Function.identity(), (a, b) -> {
            throw new AssertionError("duplicate " + a);
        }, java.util.TreeMap::new));
    }

    private static long inode(Path directory) throws Exception {
        return ((Number) Files.getAttribute(directory, "unix:ino")).longValue();
    }
}
