package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.bpf.KernelPrerequisites;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real retransmissions: a connection between two network namespaces over a veth pair whose link
 * goes down for a while during a transfer. The kernel's own count (RetransSegs of the client's
 * namespace, which nothing else uses) is the witness.
 */
class TcpRetransmitKernelIT {

    private static final int JVM_PID = (int) ProcessHandle.current().pid();

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
        KernelPrerequisites.ip();
    }

    @Test
    void retransmitsWhileTheLinkIsDownBelongToTheConnectionAndMatchTheKernelsCount() throws Exception {
        try (TestNetwork network = TestNetwork.create(); EventRecorder recorder = EventRecorder.start();
             TestNetwork.Connection connection = network.connect()) {
            int port = connection.port();
            long retransSegsBefore = network.retransSegs(network.clientNamespace());
            TcpEvent connect = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CONNECT_OK
                    && e.endpoints().remotePort() == port, "CONNECT_OK to the server namespace");
            assertThat(connect.task().netnsInode()).as("the connecting thread's namespace")
                    .isEqualTo(network.namespaceInode(network.clientNamespace()));
            assertThat(ProcfsSockets.inodeOf(List.of(network.exec(network.clientNamespace(),
                            "cat", "/proc/net/tcp", "/proc/net/tcp6").split("\n")), connect.endpoints().localPort(), port))
                    .as("the inode /proc/net/tcp of the client namespace lists").hasValue(connect.socketInode());

            long sent = network.writeAcrossALinkDrop(connection);

            TcpEvent close = recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_CLOSE
                    && e.socketInode() == connect.socketInode(), "CLOSE of the client socket");
            long retransSegs = network.retransSegs(network.clientNamespace()) - retransSegsBefore;
            List<TcpEvent> retransmits = recorder.events(TcpEvent.class,
                    e -> e.type() == EventType.TCP_RETRANSMIT && e.socketInode() == connect.socketInode());

            String counts = String.format("%d retransmit events, %d segments, RetransSegs %d, %d bytes sent",
                    retransmits.size(), retransmits.stream().mapToLong(TcpEvent::segments).sum(), retransSegs, sent);
            System.out.println("TcpRetransmitKernelIT: " + counts);
            assertThat(retransmits).as("retransmit events of the client socket (%s)", counts).hasSizeGreaterThanOrEqualTo(3);
            assertThat(retransmits).allSatisfy(e -> {
                assertThat(e.task().pid()).as("owner, although retransmits fire in softirq").isEqualTo(JVM_PID);
                assertThat(e.task().netnsInode()).isEqualTo(connect.task().netnsInode());
                assertThat(e.role()).isEqualTo(TcpRole.CLIENT);
                assertThat(e.endpoints().remotePort()).isEqualTo(port);
                assertThat(e.segments()).isPositive();
            });
            // One event per retransmitted skb; a TSO skb stands for several segments, which
            // RetransSegs counts one by one: the segments add up, the events need not.
            assertThat(retransmits.stream().mapToLong(TcpEvent::segments).sum())
                    .as("segments of the retransmit events vs RetransSegs of the namespace")
                    .isEqualTo(retransSegs);
            assertThat(close.totalRetrans()).as("tcp_sock total_retrans at close").isEqualTo(retransSegs);
            assertThat(close.bytesAcked()).as("payload acknowledged").isEqualTo(sent);
        }
    }
}
