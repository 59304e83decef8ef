package io.tapwire.streams.graph;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.at;
import static io.tapwire.streams.TopologyHarness.listen;
import static io.tapwire.streams.TopologyHarness.namespace;
import static io.tapwire.streams.TopologyHarness.process;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Map;

import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.streams.TopologyHarness;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceGraphTest {

    private static final String API = "/system.slice/api.service";
    private static final String NGINX = "/system.slice/nginx.service";
    private static final String POSTGRES = "/system.slice/postgresql@15-main.service";
    private static final TaskContext CLIENT = task(100, 70, "api", HOST_NS);

    @TempDir
    Path state;
    private TopologyHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new TopologyHarness(state);
        harness.exec("node-2", 100, 70, "/usr/bin/api", "0::/system.slice/api.service", HOST_NS, 0);
        harness.exec("node-1", 200, 10, "/usr/lib/postgresql/15/bin/postgres", "0::/system.slice/postgresql@15-main.service", HOST_NS, 0);
        harness.send(harness.snapshot("node-1", 100, List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.1")),
                List.of(process(300, 5, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS)),
                List.of(listen(HOST_NS, 900, 300, "0.0.0.0", 8080))), 100);
        harness.quiet("node-1", 200, 3_200, 1_000);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void connectionsBecomeEdgesWithTheirProtocolConnectCountsAndFirstAndLastSeenTimes() {
        for (int i = 0; i < 3; i++) {
            harness.send(harness.event(TcpEventType.CONNECT_OK, "node-2", 10 + i, ConnectionRole.CLIENT, CLIENT,
                    tuple("10.0.0.2", 41000 + i, "10.0.0.1", 8080)), 5_000 + i * 1_000);
        }
        harness.send(harness.event(TcpEventType.CONNECT_FAILED, "node-2", 20, ConnectionRole.CLIENT, CLIENT,
                tuple("10.0.0.2", 41100, "10.0.0.1", 8080)).setErrorCode(111), 9_000);
        // an external client of postgres, which Tapwire does not observe: the server's view makes the edge
        harness.send(harness.event(TcpEventType.ACCEPT, "node-1", 30, ConnectionRole.SERVER, task(200, 10, "postgres", HOST_NS),
                tuple("10.0.0.1", 5432, "203.0.113.9", 50000)), 9_500);
        harness.quiet("node-1", 10_000, 40_000, 1_000);

        Map<String, ServiceEdge> edges = harness.edges.readKeyValuesToMap();
        assertThat(edges).containsOnlyKeys(new ServiceEdgeKey(API, NGINX).format(),
                new ServiceEdgeKey("203.0.113.9", POSTGRES).format());
        ServiceEdge web = edges.get(new ServiceEdgeKey(API, NGINX).format());
        assertThat(web.getProtocols()).containsExactly("tcp");
        assertThat(web.getConnects()).isEqualTo(3);
        assertThat(web.getFailedConnects()).isEqualTo(1);
        assertThat(web.getFirstSeenEpochMs()).isEqualTo(at(5_000));
        assertThat(web.getLastSeenEpochMs()).isEqualTo(at(9_000));
        ServiceEdge external = edges.get(new ServiceEdgeKey("203.0.113.9", POSTGRES).format());
        assertThat(external.getConnects()).isEqualTo(1);
    }

    @Test
    void aNewEdgeIsEmittedWithItsFirstUpdateIntervalAndLaterChangesAtMostOncePerFlushInterval() {
        for (int i = 0; i < 20; i++) {
            harness.send(harness.event(TcpEventType.CONNECT_OK, "node-2", 10 + i, ConnectionRole.CLIENT, CLIENT,
                    tuple("10.0.0.2", 41000 + i, "10.0.0.1", 8080)), 5_000 + i * 100);
        }
        harness.quiet("node-1", 10_000, 40_000, 1_000);

        List<ServiceEdge> emitted = harness.edges.readValuesToList();
        assertThat(emitted.size()).isBetween(2, 5);
        assertThat(emitted.get(0).getConnects()).as("the connections of its first second (update interval)")
                .isEqualTo(10);
        assertThat(emitted.get(0).getFirstSeenEpochMs()).isEqualTo(at(5_000));
        assertThat(emitted.get(emitted.size() - 1).getConnects()).isEqualTo(20);
        assertThat(emitted.get(emitted.size() - 1).getLastSeenEpochMs()).isEqualTo(at(6_900));
    }

    @Test
    void anEdgeNotSeenForTheRetentionIsTombstoned(@TempDir Path other) throws Exception {
        Properties props = new Properties();
        props.setProperty("tapwire.streams.edge-retention", "1m");
        try (TopologyHarness shortLived = new TopologyHarness(other, props)) {
            shortLived.exec("node-2", 100, 70, "/usr/bin/api", "0::/system.slice/api.service", HOST_NS, 0);
            shortLived.send(shortLived.snapshot("node-1", 100, List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.1")),
                    List.of(process(300, 5, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS)),
                    List.of(listen(HOST_NS, 900, 300, "0.0.0.0", 8080))), 100);
            shortLived.send(shortLived.event(TcpEventType.CONNECT_OK, "node-2", 10, ConnectionRole.CLIENT, CLIENT,
                    tuple("10.0.0.2", 41000, "10.0.0.1", 8080)), 5_000);
            shortLived.quiet("node-1", 6_000, 60_000, 2_000);
            assertThat(shortLived.edges.readKeyValuesToMap()).containsKey(new ServiceEdgeKey(API, NGINX).format());

            shortLived.quiet("node-1", 62_000, 80_000, 2_000);
            List<TestRecord<String, ServiceEdge>> after = shortLived.edges.readRecordsToList();
            assertThat(after).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo(new ServiceEdgeKey(API, NGINX).format());
                assertThat(record.value()).as("tombstone").isNull();
            });
        }
    }
}
