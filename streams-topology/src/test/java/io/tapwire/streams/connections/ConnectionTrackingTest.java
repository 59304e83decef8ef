package io.tapwire.streams.connections;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.listen;
import static io.tapwire.streams.TopologyHarness.namespace;
import static io.tapwire.streams.TopologyHarness.process;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.streams.TopologyHarness;
import io.tapwire.streams.internal.ServerSource;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection tracking end to end from raw records: the tracker, the process join, the listener lookup and the
 * pairing of the two ends. The output is every change stamped with client service, destination and server.
 */
class ConnectionTrackingTest {

    private static final long POD_NS = 4026532500L;
    private static final String POD_CGROUP =
            "0::/kubepods/burstable/pod0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";
    private static final String POD_SERVICE = "/k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e";
    private static final String NGINX = "/system.slice/nginx.service";
    private static final String POSTGRES = "/system.slice/postgresql@15-main.service";
    private static final String API = "/system.slice/api.service";

    @TempDir
    Path state;
    private TopologyHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new TopologyHarness(state);
        // node-1: nginx on 0.0.0.0:8080 in the host namespace, a pod's server on 0.0.0.0:8080 in its own,
        // postgres on 0.0.0.0:5432; an API client process on node-1 (host and pod) and on node-2.
        harness.exec("node-1", 100, 50, "/usr/bin/api", "0::/system.slice/api.service", HOST_NS, 0);
        harness.exec("node-1", 101, 60, "/usr/bin/api", POD_CGROUP, POD_NS, 0);
        harness.exec("node-2", 100, 70, "/usr/bin/api", "0::/system.slice/api.service", HOST_NS, 0);
        harness.exec("node-1", 200, 10, "/usr/lib/postgresql/15/bin/postgres", "0::/system.slice/postgresql@15-main.service", HOST_NS, 0);
        harness.send(harness.snapshot("node-1", 100,
                List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.1"), namespace(POD_NS, "127.0.0.1", "10.244.1.7")),
                List.of(process(300, 5, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS),
                        process(301, 6, "/app/server", POD_CGROUP, POD_NS),
                        process(200, 10, "/usr/lib/postgresql/15/bin/postgres", "0::/system.slice/postgresql@15-main.service", HOST_NS)),
                List.of(listen(HOST_NS, 900, 300, "0.0.0.0", 8080), listen(POD_NS, 901, 301, "0.0.0.0", 8080),
                        listen(HOST_NS, 902, 200, "0.0.0.0", 5432))), 100);
        harness.send(harness.snapshot("node-2", 100, List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.2")), List.of(), List.of()), 100);
        harness.quiet("node-1", 200, 3_200, 1_000);
        harness.listeners.readRecordsToList();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aLoopbackDestinationResolvesWithinTheClientsOwnNamespace() {
        connect("node-1", 1, task(100, 50, "api", HOST_NS), "127.0.0.1", 41000, "127.0.0.1", 8080, 5_000);
        connect("node-1", 2, task(101, 60, "api", POD_NS), "127.0.0.1", 41000, "127.0.0.1", 8080, 5_000);
        settle(6_000);

        List<SocketChange> out = harness.connections.readValuesToList();
        assertThat(out).extracting(SocketChange::getClientService, SocketChange::getDestination,
                        SocketChange::getServerService, SocketChange::getServerSource)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(API, "127.0.0.1:8080", NGINX, ServerSource.LISTENER),
                        org.assertj.core.groups.Tuple.tuple(POD_SERVICE, "127.0.0.1:8080", POD_SERVICE, ServerSource.LISTENER));
    }

    @Test
    void aDestinationNobodyListensOnIsAnExternalServiceNamedByItsAddress() {
        connect("node-2", 3, task(100, 70, "api", HOST_NS), "10.0.0.2", 41001, "93.184.216.34", 443, 5_000);
        send(TcpEventType.CLOSE, "node-2", 3, ConnectionRole.CLIENT, task(100, 70, "api", HOST_NS),
                "10.0.0.2", 41001, "93.184.216.34", 443, 5_500, 10L, 20L);
        connect("node-2", 4, task(100, 70, "api", HOST_NS), "fd00::2", 41002, "2606:2800:220:1:248:1893:25c8:1946", 443, 5_000);
        settle(6_000);

        List<SocketChange> out = harness.connections.readValuesToList();
        assertThat(out).extracting(SocketChange::getKind, SocketChange::getServerService, SocketChange::getServerSource)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(SocketChangeKind.OPENED, "93.184.216.34:443", ServerSource.EXTERNAL),
                        org.assertj.core.groups.Tuple.tuple(SocketChangeKind.CLOSED, "93.184.216.34:443", ServerSource.EXTERNAL),
                        org.assertj.core.groups.Tuple.tuple(SocketChangeKind.OPENED, "[2606:2800:220:1:248:1893:25c8:1946]:443", ServerSource.EXTERNAL));
        assertThat(out).allSatisfy(c -> assertThat(c.getClientService()).isEqualTo(API));
    }

    @Test
    void aConnectionAcceptedByOneProcessAndServedByAnotherIsOneConnectionOfTheAcceptingService() {
        // postmaster (200) accepts a client that Tapwire does not observe; a forked backend (201) closes it
        TaskContext postmaster = task(200, 10, "postgres", HOST_NS);
        TaskContext backend = task(201, 80, "postgres", HOST_NS);
        send(TcpEventType.ACCEPT, "node-1", 7, ConnectionRole.SERVER, postmaster, "10.0.0.1", 5432, "203.0.113.9", 50000, 5_000, null, null);
        send(TcpEventType.STATS, "node-1", 7, ConnectionRole.SERVER, backend, "10.0.0.1", 5432, "203.0.113.9", 50000, 6_000, 4_000L, 1_000L);
        send(TcpEventType.CLOSE, "node-1", 7, ConnectionRole.SERVER, backend, "10.0.0.1", 5432, "203.0.113.9", 50000, 7_000, 5_000L, 1_500L);
        settle(8_000);

        List<SocketChange> out = harness.connections.readValuesToList();
        assertThat(out).extracting(SocketChange::getKind).containsExactly(
                SocketChangeKind.OPENED, SocketChangeKind.UPDATED, SocketChangeKind.CLOSED);
        assertThat(out).allSatisfy(c -> {
            assertThat(c.getSocketInode()).isEqualTo(7);
            assertThat(c.getOwnerPid()).isEqualTo(200);
            assertThat(c.getServerService()).isEqualTo(POSTGRES);
            assertThat(c.getClientService()).isEqualTo("203.0.113.9");
            assertThat(c.getDestination()).isEqualTo("10.0.0.1:5432");
            assertThat(c.getServerView()).isTrue();
        });
        assertThat(out).extracting(SocketChange::getActiveDelta).containsExactly(1, 0, -1);
        assertThat(out).extracting(SocketChange::getBytesSentDelta).containsExactly(0L, 4_000L, 1_000L);
        assertThat(out.get(2).getClosedAtEpochNs() - out.get(2).getOpenedAtEpochNs()).isEqualTo(2_000_000_000L);
    }

    @Test
    void whenBothEndsAreObservedTheClientsViewCountsAndTheServersIsDropped() {
        TaskContext client = task(100, 70, "api", HOST_NS);
        connect("node-2", 8, client, "10.0.0.2", 41003, "10.0.0.1", 5432, 5_000);
        send(TcpEventType.ACCEPT, "node-1", 9, ConnectionRole.SERVER, task(200, 10, "postgres", HOST_NS),
                "10.0.0.1", 5432, "10.0.0.2", 41003, 5_001, null, null);
        send(TcpEventType.CLOSE, "node-1", 9, ConnectionRole.SERVER, task(201, 80, "postgres", HOST_NS),
                "10.0.0.1", 5432, "10.0.0.2", 41003, 6_000, 100L, 200L);
        send(TcpEventType.CLOSE, "node-2", 8, ConnectionRole.CLIENT, client, "10.0.0.2", 41003, "10.0.0.1", 5432, 6_000, 200L, 100L);
        settle(7_000);

        List<SocketChange> out = harness.connections.readValuesToList();
        assertThat(out).extracting(SocketChange::getNode, SocketChange::getKind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("node-2", SocketChangeKind.OPENED),
                org.assertj.core.groups.Tuple.tuple("node-2", SocketChangeKind.CLOSED));
        assertThat(out).allSatisfy(c -> {
            assertThat(c.getServerService()).isEqualTo(POSTGRES);
            assertThat(c.getServerSource()).isEqualTo(ServerSource.LISTENER);
            assertThat(c.getServerView()).isFalse();
        });
    }

    @Test
    void bothSocketsOfAConnectionAreNamedAsTheClientSawItAndOnlyTheClientsCounts() {
        TaskContext client = task(100, 70, "api", HOST_NS);
        connect("node-2", 8, client, "10.0.0.2", 41003, "10.0.0.1", 5432, 5_000);
        send(TcpEventType.ACCEPT, "node-1", 9, ConnectionRole.SERVER, task(200, 10, "postgres", HOST_NS),
                "10.0.0.1", 5432, "10.0.0.2", 41003, 5_001, null, null);
        // a second server socket whose client is not observed names itself from its own end, and counts
        send(TcpEventType.ACCEPT, "node-1", 12, ConnectionRole.SERVER, task(200, 10, "postgres", HOST_NS),
                "10.0.0.1", 5432, "203.0.113.9", 50001, 5_000, null, null);
        settle(6_000);

        Map<String, SocketChange> named = new HashMap<>();
        harness.names.readKeyValuesToList().forEach(kv -> assertThat(named.put(kv.key, kv.value)).isNull());
        assertThat(named).hasSize(3);
        assertThat(named.get(connectionId("node-2", 8))).satisfies(n -> {
            assertThat(n.getKind()).isEqualTo(SocketChangeKind.NAMED);
            assertThat(n.getRole()).isEqualTo(SocketRole.CLIENT);
            assertThat(List.of(n.getClientService(), n.getServerService(), n.getDestination()))
                    .containsExactly(API, POSTGRES, "10.0.0.1:5432");
            assertThat(n.getServerView()).isFalse();
        });
        assertThat(named.get(connectionId("node-1", 9))).satisfies(n -> {
            assertThat(n.getRole()).isEqualTo(SocketRole.SERVER);
            assertThat(List.of(n.getClientService(), n.getServerService(), n.getDestination()))
                    .containsExactly(API, POSTGRES, "10.0.0.1:5432");
            assertThat(n.getServerView()).isFalse();
        });
        assertThat(named.get(connectionId("node-1", 12))).satisfies(n -> {
            assertThat(n.getRole()).isEqualTo(SocketRole.SERVER);
            assertThat(List.of(n.getClientService(), n.getServerService(), n.getDestination()))
                    .containsExactly("203.0.113.9", POSTGRES, "10.0.0.1:5432");
            assertThat(n.getServerView()).isTrue();
        });
        assertThat(harness.connections.readValuesToList()).noneMatch(c -> c.getKind() == SocketChangeKind.NAMED);
    }

    private static String connectionId(String node, long inode) {
        return new ConnectionKey(TopologyHarness.CLUSTER, node, TopologyHarness.BOOT, inode).format();
    }

    @Test
    void aNattedDestinationWithoutListenerIsServedByTheObservedAcceptingEnd() {
        // a Kubernetes service address: nobody listens on 10.96.0.10, the packets reach postgres on 10.0.0.1
        connect("node-2", 10, task(100, 70, "api", HOST_NS), "10.0.0.2", 41004, "10.96.0.10", 5432, 5_000);
        send(TcpEventType.ACCEPT, "node-1", 11, ConnectionRole.SERVER, task(200, 10, "postgres", HOST_NS),
                "10.0.0.1", 5432, "10.0.0.2", 41004, 5_002, null, null);
        settle(6_000);

        assertThat(harness.connections.readValuesToList()).singleElement().satisfies(c -> {
            assertThat(c.getDestination()).isEqualTo("10.96.0.10:5432");
            assertThat(c.getServerService()).isEqualTo(POSTGRES);
            assertThat(c.getServerSource()).isEqualTo(ServerSource.ACCEPT);
            assertThat(c.getClientService()).isEqualTo(API);
        });
    }

    @Test
    void aCloseWithoutAnOpenCountsItsBytesButNeverWasActive() {
        // the collector restarted after the connect: the first the topology hears is the close
        send(TcpEventType.CLOSE, "node-2", 12, ConnectionRole.CLIENT, task(100, 70, "api", HOST_NS),
                "10.0.0.2", 41005, "10.0.0.1", 8080, 5_000, 7_000L, 9_000L);
        settle(6_000);

        assertThat(harness.connections.readValuesToList()).singleElement().satisfies(c -> {
            assertThat(c.getKind()).isEqualTo(SocketChangeKind.CLOSED);
            assertThat(c.getActiveDelta()).isZero();
            assertThat(c.getSuccessfulConnect()).isFalse();
            assertThat(c.getOpenedAtEpochNs()).isNull();
            assertThat(c.getBytesSentDelta()).isEqualTo(7_000L);
            assertThat(c.getBytesReceivedDelta()).isEqualTo(9_000L);
            assertThat(c.getServerService()).isEqualTo(NGINX);
        });
    }

    @Test
    void aConnectionNothingIsHeardOfForTheIdleTimeoutIsClosed() {
        connect("node-2", 13, task(100, 70, "api", HOST_NS), "10.0.0.2", 41006, "10.0.0.1", 8080, 5_000);
        settle(6_000);
        assertThat(harness.connections.readValuesToList()).singleElement()
                .satisfies(c -> assertThat(c.getKind()).isEqualTo(SocketChangeKind.OPENED));

        harness.quiet("node-2", 3_600_000, 3_600_000 + 185_000, 5_000);
        assertThat(harness.connections.readValuesToList()).singleElement().satisfies(c -> {
            assertThat(c.getKind()).isEqualTo(SocketChangeKind.CLOSED);
            assertThat(c.getExpired()).isTrue();
            assertThat(c.getActiveDelta()).isEqualTo(-1);
            assertThat(c.getClosedAtEpochNs()).isEqualTo(TopologyHarness.nanos(5_000 + 3_600_000));
        });
    }

    private void connect(String node, long inode, TaskContext task, String local, int localPort, String remote,
                         int remotePort, long atMs) {
        harness.send(harness.event(TcpEventType.CONNECT_OK, node, inode, ConnectionRole.CLIENT, task,
                tuple(local, localPort, remote, remotePort)).setHandshakeNs(250_000L), atMs);
    }

    private void send(TcpEventType type, String node, long inode, ConnectionRole role, TaskContext task, String local,
                      int localPort, String remote, int remotePort, long atMs, Long sent, Long received) {
        harness.send(harness.event(type, node, inode, role, task, tuple(local, localPort, remote, remotePort))
                .setBytesSent(sent).setBytesReceived(received), atMs);
    }

    /** Stream time runs on well past every join grace and the pairing window. */
    private void settle(long fromMs) {
        harness.quiet("node-1", fromMs, fromMs + 15_000, 1_000);
    }
}
