package io.tapwire.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.raw.AddressFamily;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkInterface;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InventoryPartitionerTest {

    static final NodeDescription NODE = new NodeDescription("vm", "3d1219c7c4c5404aaa1f6d2a48adfda4",
            "6.18.44-fc-v669", "0.1.0-test", 100);
    final AvroCodec<NodeInventory> codec = AvroCodec.of(NodeInventory.class);

    @Test
    void splitsUnderTheBudgetKeepingEveryItemInOrder() {
        int budget = 8 * 1024;
        InventoryContents contents = contents(40, 300, 120, 400);
        CountingHeaders headers = new CountingHeaders(1000);

        List<NodeInventory> parts = new InventoryPartitioner(budget).split(contents, NODE, 123_456_789L, headers);

        assertThat(parts.size()).isGreaterThan(5);
        assertThat(headers.asked).isEqualTo(IntStream.range(0, parts.size()).boxed().toList());
        List<ProcessSnapshot> processes = new ArrayList<>();
        List<NetworkNamespace> namespaces = new ArrayList<>();
        List<ListenerSnapshot> listeners = new ArrayList<>();
        List<ConnectionSnapshot> connections = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            NodeInventory part = parts.get(i);
            byte[] encoded = codec.encode(part);
            assertThat(encoded.length).as("part %d of %d", i, parts.size()).isLessThanOrEqualTo(budget);
            assertThat(codec.decode(encoded)).isEqualTo(part);
            assertThat(part.getSnapshotId()).isEqualTo(1000);
            assertThat(part.getHeader().getSeq()).isEqualTo(1000 + i);
            assertThat(part.getPart()).isEqualTo(i);
            assertThat(part.getParts()).isEqualTo(parts.size());
            assertThat(part.getClockOffsetNs()).isEqualTo(123_456_789L);
            assertThat(part.getHostname()).isEqualTo("vm");
            namespaces.addAll(part.getNamespaces());
            processes.addAll(part.getProcesses());
            listeners.addAll(part.getListeners());
            connections.addAll(part.getConnections());
        }
        assertThat(new InventoryContents(namespaces, processes, listeners, connections)).isEqualTo(contents);
    }

    @Test
    void partsAreFilledTightly() {
        int budget = 16 * 1024;
        List<NodeInventory> parts = new InventoryPartitioner(budget).split(contents(0, 2000, 0, 0), NODE, 0,
                new CountingHeaders(1));

        long largestProcess = parts.stream().flatMap(part -> part.getProcesses().stream())
                .mapToLong(process -> AvroCodec.of(ProcessSnapshot.class).encode(process).length).max().orElseThrow();
        for (NodeInventory part : parts.subList(0, parts.size() - 1)) {
            assertThat(codec.encode(part).length).isGreaterThan(budget - (int) largestProcess - 200);
        }
    }

    @Test
    void emptySnapshotIsOnePart() {
        CountingHeaders headers = new CountingHeaders(7);

        List<NodeInventory> parts = new InventoryPartitioner(4096).split(
                new InventoryContents(List.of(), List.of(), List.of(), List.of()), NODE, 0, headers);

        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).getParts()).isEqualTo(1);
        assertThat(parts.get(0).getSnapshotId()).isEqualTo(7);
        assertThat(headers.asked).containsExactly(0);
    }

    @Test
    void processLargerThanAPartHasItsCommandLineCutToFit() {
        List<String> classpath = IntStream.range(0, 400).mapToObj(i -> "/root/.m2/repository/jar-" + i + ".jar")
                .toList();
        ProcessSnapshot java = ProcessSnapshot.newBuilder(process(99, "-cp")).setCmdline(
                concat(List.of("/usr/bin/java", "-cp"), classpath)).build();
        ProcessSnapshot accented = process(98, "é€😀".repeat(2_000));
        InventoryContents contents = new InventoryContents(List.of(),
                List.of(process(1, "a"), java, accented, process(2, "b")), List.of(), List.of());

        List<NodeInventory> parts = new InventoryPartitioner(4096).split(contents, NODE, 0, new CountingHeaders(1));

        for (NodeInventory part : parts) {
            assertThat(codec.encode(part).length).isLessThanOrEqualTo(4096);
        }
        List<ProcessSnapshot> processes = parts.stream().flatMap(part -> part.getProcesses().stream()).toList();
        assertThat(processes).extracting(ProcessSnapshot::getPid).containsExactly(1, 99, 98, 2);
        ProcessSnapshot cutJava = processes.get(1);
        assertThat(cutJava.getCmdline().size()).isBetween(10, 399);
        assertThat(java.getCmdline()).startsWith(cutJava.getCmdline().subList(0, cutJava.getCmdline().size() - 1)
                .toArray(String[]::new));
        assertThat(ProcessSnapshot.newBuilder(cutJava).setCmdline(java.getCmdline()).build()).isEqualTo(java);
        String cutArgument = processes.get(2).getCmdline().get(1);
        assertThat(cutArgument).isNotEmpty();
        assertThat(accented.getCmdline().get(1)).startsWith(cutArgument);
        assertThat(Character.isHighSurrogate(cutArgument.charAt(cutArgument.length() - 1)))
                .as("cut between code points, never inside a surrogate pair").isFalse();
    }

    @Test
    void otherItemLargerThanAPartGetsAPartOfItsOwn() {
        NetworkNamespace crowded = NetworkNamespace.newBuilder().setInode(4026531840L)
                .setInterfaces(IntStream.range(0, 500).mapToObj(i -> NetworkInterface.newBuilder()
                        .setName("veth" + i).setAddresses(List.of("10.9." + i / 256 + "." + i % 256)).build())
                        .toList())
                .build();
        InventoryContents contents = new InventoryContents(List.of(crowded), List.of(process(1, "a")), List.of(),
                List.of());

        List<NodeInventory> parts = new InventoryPartitioner(4096).split(contents, NODE, 0, new CountingHeaders(1));

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).getNamespaces()).containsExactly(crowded);
        assertThat(parts.get(1).getProcesses()).extracting(ProcessSnapshot::getPid).containsExactly(1);
    }

    static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    @Test
    void budgetThatCannotHoldTheFixedFieldsIsAClearError() {
        assertThatThrownBy(() -> new InventoryPartitioner(200).split(contents(1, 1, 1, 1), NODE, 0,
                new CountingHeaders(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("part budget of 200 bytes").hasMessageContaining("raise the part budget");
    }

    static InventoryContents contents(int namespaces, int processes, int listeners, int connections) {
        return new InventoryContents(
                IntStream.range(0, namespaces).mapToObj(i -> NetworkNamespace.newBuilder()
                        .setInode(4026531840L + i)
                        .setInterfaces(List.of(
                                NetworkInterface.newBuilder().setName("lo").setAddresses(List.of("127.0.0.1", "::1"))
                                        .build(),
                                NetworkInterface.newBuilder().setName("eth0")
                                        .setAddresses(List.of("10.0." + i / 256 + "." + i % 256, "fd00::" + i))
                                        .build()))
                        .build()).toList(),
                IntStream.range(0, processes).mapToObj(i -> process(1000 + i, "--option-" + i)).toList(),
                IntStream.range(0, listeners).mapToObj(i -> ListenerSnapshot.newBuilder()
                        .setNetnsInode(4026531840L).setSocketInode(50_000 + i).setPid(1000 + i)
                        .setTransport(Transport.TCP).setFamily(AddressFamily.IPV4).setAddress("0.0.0.0")
                        .setPort(8000 + i).build()).toList(),
                IntStream.range(0, connections).mapToObj(i -> ConnectionSnapshot.newBuilder()
                        .setNetnsInode(4026531840L).setSocketInode(90_000 + i).setPids(List.of(1000 + i, 2000 + i))
                        .setRole(i % 2 == 0 ? ConnectionRole.CLIENT : ConnectionRole.SERVER)
                        .setTuple(SocketTuple.newBuilder().setFamily(AddressFamily.IPV6)
                                .setLocalAddress("::ffff:127.0.0.1").setLocalPort(40_000 + i)
                                .setRemoteAddress("::ffff:10.1.2.3").setRemotePort(5432).build())
                        .setTcpState("ESTABLISHED").build()).toList());
    }

    static ProcessSnapshot process(int pid, String argument) {
        return ProcessSnapshot.newBuilder()
                .setPid(pid).setPpid(1).setStartTimeTicks(pid * 10L).setUid(0).setComm("proc-" + pid)
                .setExe("/usr/bin/proc-" + pid).setCmdline(List.of("/usr/bin/proc-" + pid, argument))
                .setCgroupId(1).setCgroupPath("/system.slice/proc-" + pid + ".service").setNetnsInode(4026531840L)
                .build();
    }
}
