package io.tapwire.streams.listeners;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.listen;
import static io.tapwire.streams.TopologyHarness.namespace;
import static io.tapwire.streams.TopologyHarness.process;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.streams.TopologyHarness;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerRegistryTest {

    private static final long POD_NS = 4026532500L;
    private static final String NGINX = "/system.slice/nginx.service";
    private static final String POD_CGROUP =
            "0::/kubepods/burstable/pod0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";
    private static final String POD_SERVICE = "/k8s/pod/0f5e6c1a-3b2d-4c8e-9a7f-1e2d3c4b5a69/3f1c9a2b7d4e";

    @TempDir
    Path state;
    private TopologyHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new TopologyHarness(state);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void wildcardListensInTwoNamespacesExpandToTheirOwnAddressesAndTheSameLoopbackAddressStaysApart() {
        harness.send(twoNamespaces(1_000), 1_000);

        Map<String, ListenerInfo> entries = harness.listeners.readKeyValuesToMap();
        assertThat(entries).containsOnlyKeys(
                key(HOST_NS, "127.0.0.1:8080"), key(HOST_NS, "10.0.0.1:8080"),
                key(HOST_NS, "127.0.0.1:9090"), key(HOST_NS, "10.0.0.1:9090"), key(HOST_NS, "[::1]:9090"),
                key(POD_NS, "127.0.0.1:8080"), key(POD_NS, "10.244.1.7:8080"));
        assertThat(entries.get(key(HOST_NS, "127.0.0.1:8080")).getService()).isEqualTo(NGINX);
        assertThat(entries.get(key(POD_NS, "127.0.0.1:8080")).getService()).isEqualTo(POD_SERVICE);
        assertThat(entries.get(key(POD_NS, "127.0.0.1:8080")).getPid()).isEqualTo(300);
        assertThat(entries.get(key(HOST_NS, "[::1]:9090")).getFromWildcard()).isTrue();
        assertThat(entries.get(key(HOST_NS, "10.0.0.1:8080")).getNetnsInode()).isEqualTo(HOST_NS);
        assertThat(entries.values()).allSatisfy(e -> assertThat(e.getUpdatedAtEpochNs()).isEqualTo(TopologyHarness.nanos(1_000)));
    }

    @Test
    void theSameSnapshotAppliedTwiceChangesNothing() {
        NodeInventory snapshot = twoNamespaces(1_000);
        harness.send(snapshot, 1_000);
        assertThat(harness.listeners.readRecordsToList()).hasSize(7);

        harness.send(snapshot, 1_000);
        harness.send(twoNamespaces(31_000), 31_000);   // the next periodic snapshot, nothing changed
        assertThat(harness.listeners.readRecordsToList()).isEmpty();
    }

    @Test
    void aListenEventNamesTheServiceThroughTheProcessRegistryAndItsCloseRemovesTheEntry() {
        harness.exec("node-1", 400, 7_000, "/usr/bin/redis-server", "0::/system.slice/redis-server.service", HOST_NS, 0);
        harness.send(harness.event(TcpEventType.LISTEN_OPEN, "node-1", 555, ConnectionRole.LISTENER,
                task(400, 7_000, "redis-server", HOST_NS), tuple("127.0.0.1", 6379, "0.0.0.0", 0)), 1_000);
        harness.quiet("node-1", 2_000, 6_000, 1_000);
        List<TestRecord<String, ListenerInfo>> opened = harness.listeners.readRecordsToList();
        assertThat(opened).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(key(HOST_NS, "127.0.0.1:6379"));
            assertThat(r.value().getService()).isEqualTo("/system.slice/redis-server.service");
            assertThat(r.value().getStartTimeTicks()).isEqualTo(7_000);
            assertThat(r.value().getFromWildcard()).isFalse();
        });

        // closed by a process that got the descriptor and lives in another namespace: the socket is still found
        harness.send(harness.event(TcpEventType.LISTEN_CLOSE, "node-1", 555, ConnectionRole.LISTENER,
                task(401, 7_100, "helper", POD_NS), tuple("127.0.0.1", 6379, "0.0.0.0", 0)), 7_000);
        harness.quiet("node-1", 8_000, 12_000, 1_000);
        assertThat(harness.listeners.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(key(HOST_NS, "127.0.0.1:6379"));
            assertThat(r.value()).as("tombstone").isNull();
        });
    }

    @Test
    void aWildcardListenWaitsForItsNamespaceAddressesAndFollowsThemWhenTheyChange() {
        harness.exec("node-1", 500, 8_000, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS, 0);
        harness.send(harness.event(TcpEventType.LISTEN_OPEN, "node-1", 556, ConnectionRole.LISTENER,
                task(500, 8_000, "nginx", HOST_NS), tuple("0.0.0.0", 80, "0.0.0.0", 0)), 1_000);
        harness.quiet("node-1", 2_000, 6_000, 1_000);
        assertThat(harness.listeners.readRecordsToList()).as("no addresses known yet").isEmpty();

        harness.send(harness.snapshot("node-1", 7_000, List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.1")),
                List.of(process(500, 8_000, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS)),
                List.of(listen(HOST_NS, 556, 500, "0.0.0.0", 80))), 7_000);
        assertThat(harness.listeners.readKeyValuesToMap()).containsOnlyKeys(key(HOST_NS, "127.0.0.1:80"), key(HOST_NS, "10.0.0.1:80"));

        // DHCP gave the node another address
        harness.send(harness.snapshot("node-1", 37_000, List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.9")),
                List.of(process(500, 8_000, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS)),
                List.of(listen(HOST_NS, 556, 500, "0.0.0.0", 80))), 37_000);
        List<TestRecord<String, ListenerInfo>> changed = harness.listeners.readRecordsToList();
        assertThat(changed).extracting(r -> r.key() + (r.value() == null ? " gone" : " " + r.value().getService()))
                .containsExactlyInAnyOrder(key(HOST_NS, "10.0.0.1:80") + " gone", key(HOST_NS, "10.0.0.9:80") + " " + NGINX);
    }

    @Test
    void aCompleteSnapshotRemovesAListenerWhoseCloseWasNotSeen() {
        harness.send(twoNamespaces(1_000), 1_000);
        harness.listeners.readRecordsToList();

        harness.send(harness.snapshot("node-1", 31_000,
                List.of(namespace(HOST_NS, "127.0.0.1", "::1", "10.0.0.1"), namespace(POD_NS, "127.0.0.1", "10.244.1.7")),
                List.of(process(200, 100, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS)),
                List.of(listen(HOST_NS, 900, 200, "0.0.0.0", 8080), listen(HOST_NS, 901, 200, "::", 9090))), 31_000);

        assertThat(harness.listeners.readRecordsToList()).extracting(TestRecord::key, r -> r.value() == null)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(key(POD_NS, "127.0.0.1:8080"), true),
                        org.assertj.core.groups.Tuple.tuple(key(POD_NS, "10.244.1.7:8080"), true));
    }

    @Test
    void aSnapshotOfANewBootReplacesEverythingKnownOfTheNode() {
        harness.send(twoNamespaces(1_000), 1_000);
        harness.listeners.readRecordsToList();

        NodeInventory rebooted = harness.snapshot("node-1", 120_000, List.of(namespace(HOST_NS + 7, "127.0.0.1", "10.0.0.1")),
                List.of(process(210, 40, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS + 7)),
                List.of(listen(HOST_NS + 7, 900, 210, "10.0.0.1", 8080)));
        rebooted.getHeader().setBootId("boot-2");
        harness.send(rebooted, 120_000);

        Map<String, ListenerInfo> after = new java.util.HashMap<>();
        harness.listeners.readRecordsToList().forEach(r -> after.put(r.key(), r.value()));
        assertThat(after).hasSize(8);
        assertThat(after.entrySet()).filteredOn(e -> e.getValue() != null).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo(key(HOST_NS + 7, "10.0.0.1:8080"));
            assertThat(e.getValue().getBootId()).isEqualTo("boot-2");
            assertThat(e.getValue().getPid()).isEqualTo(210);
        });
    }

    private NodeInventory twoNamespaces(long atMs) {
        return harness.snapshot("node-1", atMs,
                List.of(namespace(HOST_NS, "127.0.0.1", "::1", "10.0.0.1"), namespace(POD_NS, "127.0.0.1", "10.244.1.7")),
                List.of(process(200, 100, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS),
                        process(300, 150, "/app/server", POD_CGROUP, POD_NS)),
                List.of(listen(HOST_NS, 900, 200, "0.0.0.0", 8080), listen(HOST_NS, 901, 200, "::", 9090),
                        listen(POD_NS, 902, 300, "0.0.0.0", 8080)));
    }

    private static String key(long netns, String address) {
        return new ListenerKey(TopologyHarness.CLUSTER, "node-1", netns, address).format();
    }
}
