package io.tapwire.collector.proc;

import io.tapwire.collector.bpf.TcpState;
import io.tapwire.schemas.raw.Transport;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketTableTest {

    @TempDir
    Path root;

    @Test
    void parsesIpv4SocketsAsSsShowedThem() {
        List<InetSocket> sockets = SocketTable.parse(Captures.read("netns-sockets/tcp"), false, Transport.TCP);

        assertThat(sockets).containsExactly(
                new InetSocket(Transport.TCP, 175186, TcpState.LISTEN, false, "0.0.0.0", 8080, "0.0.0.0", 0, 0),
                new InetSocket(Transport.TCP, 175189, TcpState.ESTABLISHED, false, "127.0.0.1", 8080, "127.0.0.1", 38356, 0),
                new InetSocket(Transport.TCP, 175188, TcpState.ESTABLISHED, false, "127.0.0.1", 38356, "127.0.0.1", 8080, 0),
                new InetSocket(Transport.TCP, 0, TcpState.TIME_WAIT, false, "127.0.0.1", 38362, "127.0.0.1", 8080, 0));
    }

    @Test
    void parsesIpv6SocketsKeepingMappedAddresses() {
        List<InetSocket> sockets = SocketTable.parse(Captures.read("netns-sockets/tcp6"), true, Transport.TCP);

        assertThat(sockets).containsExactly(
                new InetSocket(Transport.TCP, 175187, TcpState.LISTEN, true, "::", 8443, "::", 0, 0),
                new InetSocket(Transport.TCP, 175192, TcpState.ESTABLISHED, true, "::1", 51848, "::1", 8443, 0),
                new InetSocket(Transport.TCP, 175191, TcpState.ESTABLISHED, true, "::ffff:127.0.0.1", 8443, "::ffff:127.0.0.1",
                        42756, 0),
                new InetSocket(Transport.TCP, 175190, TcpState.ESTABLISHED, true, "::ffff:127.0.0.1", 42756,
                        "::ffff:127.0.0.1", 8443, 0),
                new InetSocket(Transport.TCP, 175193, TcpState.ESTABLISHED, true, "::1", 8443, "::1", 51848, 0));
    }

    @Test
    void parsesUdpSocketsInTheSameFormat() {
        String udp = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
                + "  123: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 20001 2 0000000000000000 0\n"
                + "  124: 0100007F:A1B2 3500007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 20002 2 0000000000000000 0\n";

        assertThat(SocketTable.parse(udp, false, Transport.UDP)).containsExactly(
                new InetSocket(Transport.UDP, 20001, TcpState.CLOSE, false, "127.0.0.53", 53, "0.0.0.0", 0, 101),
                new InetSocket(Transport.UDP, 20002, TcpState.ESTABLISHED, false, "127.0.0.1", 41394, "127.0.0.53", 53, 0));
    }

    @Test
    void skipsMalformedLines() {
        String text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "   0: 0100007F1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n"
                + "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 x\n"
                + "   2: 0100007F:FFFFF 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3\n"
                + "   3: 0100007F:1F90\n"
                + "   4: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4 1\n";

        assertThat(SocketTable.parse(text, false, Transport.TCP)).extracting(InetSocket::inode).containsExactly(4L);
        assertThat(SocketTable.parse(text, false, Transport.TCP).get(0).uid()).isEqualTo(1000);
    }

    @Test
    void readsBothFamiliesThroughAProcessAndToleratesMissingTcp6() {
        FakeProcTree tree = new FakeProcTree(root);
        tree.process(5, 1, 1, "a").net("tcp", Captures.read("netns-sockets/tcp"))
                .net("tcp6", Captures.read("netns-sockets/tcp6"));
        tree.process(6, 1, 1, "no-ipv6").net("tcp", Captures.read("netns-sockets/tcp"));
        SocketTable table = new SocketTable(tree.procFs());

        assertThat(table.sockets(5).orElseThrow()).hasSize(9);
        assertThat(table.sockets(6).orElseThrow()).hasSize(4);
        assertThat(table.sockets(7)).isEmpty();
    }

    @Test
    void holdersMapEachSocketToThePidsHoldingIt() {
        FakeProcTree tree = new FakeProcTree(root);
        tree.process(10, 1, 1, "postmaster").socket(3, 100).socket(4, 200);
        tree.process(11, 10, 2, "backend").socket(3, 100).socket(9, 300).fd(1, "pipe:[7]");
        tree.process(12, 1, 3, "other");

        Map<Long, SortedSet<Integer>> holders = new SocketTable(tree.procFs()).holders(List.of(10, 11, 12, 13));

        assertThat(holders).isEqualTo(Map.of(100L, new TreeSet<>(Set.of(10, 11)), 200L, new TreeSet<>(Set.of(10)),
                300L, new TreeSet<>(Set.of(11))));
    }
}
