package io.tapwire.streams.tcpmetrics;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.at;
import static io.tapwire.streams.TopologyHarness.listen;
import static io.tapwire.streams.TopologyHarness.namespace;
import static io.tapwire.streams.TopologyHarness.process;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.TcpMetricKey;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.streams.TopologyHarness;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.TcpWindow;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TCP metrics from raw records: 10 s windows, 30 s grace (the defaults). */
class TcpMetricsTest {

    private static final String API = "/system.slice/api.service";
    private static final String NGINX = "/system.slice/nginx.service";
    private static final String DEST = "10.0.0.1:8080";
    private static final TaskContext CLIENT = task(100, 70, "api", HOST_NS);

    @TempDir
    Path state;
    private TopologyHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new TopologyHarness(state);
        harness.exec("node-2", 100, 70, "/usr/bin/api", "0::/system.slice/api.service", HOST_NS, 0);
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
    void aWindowEmitsOnEveryUpdateAndOnceMoreFinalAfterItsEndPlusGrace() {
        connect(1, 41000, 5_000);
        stats(1, 41000, 6_000, 1_000, 3_000, 400, 2);
        close(1, 41000, 12_000, 1_500, 5_000, 500, 3);
        harness.quiet("node-2", 13_000, 30_000, 1_000);

        List<TcpMetric> updates = harness.metrics.readValuesToList();
        assertThat(updates).isNotEmpty().allSatisfy(m -> assertThat(m.getFinal$()).isFalse());
        assertThat(updates.get(updates.size() - 1).getWindowStartEpochMs()).isEqualTo(at(10_000));

        harness.quiet("node-2", 31_000, 70_000, 1_000);
        List<TcpMetric> finals = harness.finals();
        assertThat(finals).extracting(TcpMetric::getWindowStartEpochMs).containsExactly(at(0), at(10_000));
        TcpMetric first = finals.get(0);
        assertThat(first.getClientService()).isEqualTo(API);
        assertThat(first.getDestination()).isEqualTo(DEST);
        assertThat(first.getServerService()).isEqualTo(NGINX);
        assertThat(first.getWindowEndEpochMs()).isEqualTo(at(10_000));
        assertThat(first.getSuccessfulConnects()).isEqualTo(1);
        assertThat(first.getConnectTimeSumSeconds()).isCloseTo(0.00025, within(1e-9));
        assertThat(first.getActiveConnections()).isEqualTo(1);
        assertThat(first.getBytesSent()).isEqualTo(1_000);
        assertThat(first.getBytesReceived()).isEqualTo(3_000);
        assertThat(first.getRetransmits()).isEqualTo(2);
        assertThat(first.getRttSamples()).isEqualTo(1);
        assertThat(first.getRttSumSeconds()).isCloseTo(0.0004, within(1e-9));
        TcpMetric second = finals.get(1);
        assertThat(second.getActiveConnections()).isZero();
        assertThat(second.getClosedConnections()).isEqualTo(1);
        assertThat(second.getLifetimeSamples()).isEqualTo(1);
        assertThat(second.getLifetimeSumSeconds()).isCloseTo(7.0, within(1e-9));
        assertThat(second.getBytesSent()).isEqualTo(500);
        assertThat(second.getBytesReceived()).isEqualTo(2_000);
        assertThat(second.getRetransmits()).isEqualTo(1);
        assertThat(harness.metricsByKey()).containsKey(new TcpMetricKey(API, DEST, NGINX, at(0)).format());
        assertThat(harness.dlq.isEmpty()).isTrue();
    }

    @Test
    void aLongConnectionIsActiveInEveryWindowItSpansEvenWithoutEvents() {
        connect(1, 41000, 5_000);
        close(1, 41000, 34_000, 10, 10, 100, 0);
        harness.quiet("node-2", 35_000, 80_000, 1_000);

        assertThat(harness.finals()).extracting(m -> m.getWindowStartEpochMs() - at(0), TcpMetric::getActiveConnections)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, 1L),
                        org.assertj.core.groups.Tuple.tuple(10_000L, 1L),
                        org.assertj.core.groups.Tuple.tuple(20_000L, 1L),
                        org.assertj.core.groups.Tuple.tuple(30_000L, 0L));
    }

    @Test
    void outOfOrderEventsWithinTheGraceUpdateTheirWindowAndTheOpenCountsAfterIt() {
        connect(1, 41000, 25_000);
        harness.quiet("node-2", 26_000, 40_000, 1_000);
        // a connection opened earlier, reported late but within the grace of its window [10 s, 20 s)
        connect(2, 41001, 15_000);
        harness.quiet("node-2", 41_000, 45_000, 1_000);
        close(2, 41001, 27_000, 10, 10, 0, 0);
        harness.quiet("node-2", 46_000, 100_000, 1_000);

        // connection 1 stays open: every later window has it active
        assertThat(harness.finals()).extracting(m -> m.getWindowStartEpochMs() - at(0), TcpMetric::getSuccessfulConnects,
                        TcpMetric::getActiveConnections, TcpMetric::getClosedConnections)
                .startsWith(
                        org.assertj.core.groups.Tuple.tuple(10_000L, 1L, 1L, 0L),
                        org.assertj.core.groups.Tuple.tuple(20_000L, 1L, 1L, 1L),
                        org.assertj.core.groups.Tuple.tuple(30_000L, 0L, 1L, 0L));
        assertThat(harness.dlq.isEmpty()).isTrue();
    }

    @Test
    void aRecordTooLateForItsWindowReachesTheDlqAndChangesNoWindow() {
        connect(1, 41000, 5_000);
        close(1, 41000, 6_000, 10, 10, 0, 0);
        harness.quiet("node-2", 7_000, 100_000, 1_000);
        List<TcpMetric> before = harness.finals();
        assertThat(before).hasSize(1);
        harness.metrics.readRecordsToList();

        connect(2, 41001, 22_000);   // window [20 s, 30 s) closed at 60 s of stream time
        harness.quiet("node-2", 101_000, 110_000, 1_000);

        List<TestRecord<String, DeadLetter>> dead = harness.dlq.readRecordsToList();
        assertThat(dead).singleElement().satisfies(r -> {
            DeadLetter letter = r.value();
            assertThat(letter.getStage()).isEqualTo("late for window tcp-metrics");
            assertThat(letter.getReason()).contains("2026-11-27T10:00:22Z", "[2026-11-27T10:00:20Z, 2026-11-27T10:00:30Z)", "PT30S");
            // the input record the step was processing when the sync let the change out (here a heartbeat that let
            // time pass): a topic of the pairing's task, which the DLQ's key points at
            assertThat(letter.getSourceTopic()).startsWith("topology-harness-").endsWith("-repartition");
            assertThat(letter.getSourceTimestampMs()).isEqualTo(at(22_000));
            assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).as("the client endpoint")
                    .endsWith("10.0.0.2:41001");
            byte[] value = new byte[letter.getValue().remaining()];
            letter.getValue().duplicate().get(value);
            assertThat(harness.decode(SocketChange.class, value)).as("the change, whole").satisfies(change -> {
                assertThat(change.getClientService()).isEqualTo(API);
                assertThat(change.getDestination()).isEqualTo(DEST);
                assertThat(change.getServerService()).isEqualTo(NGINX);
                assertThat(change.getSuccessfulConnect()).isTrue();
            });
            assertThat(r.timestamp()).isEqualTo(at(22_000));
        });
        Map<String, TcpMetric> latest = harness.metricsByKey();
        assertThat(harness.metrics.isEmpty()).isTrue();
        assertThat(latest).doesNotContainKey(new TcpMetricKey(API, DEST, NGINX, at(20_000)).format());
    }

    @Test
    void heartbeatsAloneCarryStreamTimeThroughEveryRepartitionAndCloseTheWindow() {
        connect(1, 41000, 5_000);
        close(1, 41000, 6_000, 10, 10, 0, 0);
        harness.quiet("node-2", 7_000, 8_000, 1_000);
        assertThat(harness.finals()).isEmpty();

        // from here on nothing but heartbeats, as on a partition where nothing happens
        harness.quiet("node-1", 9_000, 60_000, 1_000);

        assertThat(harness.finals()).singleElement().satisfies(m -> {
            assertThat(m.getWindowStartEpochMs()).isEqualTo(at(0));
            assertThat(m.getSuccessfulConnects()).isEqualTo(1);
            assertThat(m.getClosedConnections()).isEqualTo(1);
        });
        for (String topic : List.of("sockets-by-owner", "sockets-by-client-endpoint")) {
            List<TestRecord<String, io.tapwire.streams.internal.SocketChange>> records =
                    harness.repartition(topic).readRecordsToList();
            assertThat(records).as(topic).filteredOn(r -> r.timestamp() > at(8_000))
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(io.tapwire.streams.connections.ConnectionTracker.isHeartbeat(r.value())).isTrue());
            assertThat(records).as("%s relays at most one heartbeat per second", topic)
                    .filteredOn(r -> r.timestamp() > at(8_000)).hasSizeLessThanOrEqualTo(52);
        }
        // the partials' repartition: one partial per second of event time with changes (the connect's, the
        // close's), then heartbeat markers alone
        List<TestRecord<String, TcpWindow>> partials =
                harness.repartition(TcpMetrics.BY_SERIES, TcpWindow.class).readRecordsToList();
        assertThat(partials).filteredOn(r -> r.value() != null)
                .extracting(r -> r.value().getSuccessfulConnects(), r -> r.value().getClosedConnections())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 0L), org.assertj.core.groups.Tuple.tuple(0L, 1L));
        assertThat(partials).filteredOn(r -> r.value() != null)
                .allSatisfy(r -> assertThat(r.key()).contains("api.service"));
        assertThat(partials).filteredOn(r -> r.timestamp() > at(8_000)).isNotEmpty()
                .allSatisfy(r -> assertThat(HeartbeatMarker.is(r.key(), r.value())).isTrue())
                .hasSizeLessThanOrEqualTo(52);
        // the edges' partials likewise: the connect's and the close's interval, then heartbeat markers alone
        List<TestRecord<String, ServiceEdge>> edges =
                harness.repartition("service-edges-partials-by-edge", ServiceEdge.class).readRecordsToList();
        assertThat(edges).filteredOn(r -> r.value() != null).extracting(r -> r.value().getConnects())
                .containsExactly(1L, 0L);
        assertThat(edges).filteredOn(r -> r.timestamp() > at(8_000)).isNotEmpty()
                .allSatisfy(r -> assertThat(HeartbeatMarker.is(r.key(), r.value())).isTrue())
                .hasSizeLessThanOrEqualTo(52);
    }

    @Test
    void retransmitEventsAndTheRetransmitCounterCountEachSegmentOnce() {
        connect(1, 41000, 5_000);
        for (long t : new long[] {5_100, 5_200}) {
            harness.send(harness.event(TcpEventType.RETRANSMIT, "node-2", 1, ConnectionRole.CLIENT, CLIENT,
                    tuple("10.0.0.2", 41000, "10.0.0.1", 8080)).setSrttUs(800), t);
        }
        stats(1, 41000, 6_000, 10, 10, 0, 3);   // the kernel's counter: the two above and one more
        close(1, 41000, 7_000, 10, 10, 0, 3);
        harness.quiet("node-2", 8_000, 60_000, 1_000);

        assertThat(harness.finals()).singleElement().satisfies(m -> {
            assertThat(m.getRetransmits()).isEqualTo(3);
            assertThat(m.getRttSamples()).isEqualTo(2);
            assertThat(m.getBytesSent()).isEqualTo(10);
        });
    }

    @Test
    void aFailedConnectCountsAsFailedAndNeverActive() {
        harness.send(harness.event(TcpEventType.CONNECT_FAILED, "node-2", 5, ConnectionRole.CLIENT, CLIENT,
                tuple("10.0.0.2", 41009, "10.0.0.1", 8080)).setErrorCode(111), 5_000);
        harness.quiet("node-2", 6_000, 60_000, 1_000);

        assertThat(harness.finals()).singleElement().satisfies(m -> {
            assertThat(m.getFailedConnects()).isEqualTo(1);
            assertThat(m.getSuccessfulConnects()).isZero();
            assertThat(m.getActiveConnections()).isZero();
        });
    }

    @Test
    void aConnectionFromAClientNotObservedCountsFromTheServersSideWithTheClientByAddress() {
        TaskContext nginx = task(300, 5, "nginx", HOST_NS);
        SocketTuple fromOutside = tuple("10.0.0.1", 8080, "203.0.113.7", 51000);
        harness.send(harness.event(TcpEventType.ACCEPT, "node-1", 77, ConnectionRole.SERVER, nginx, fromOutside), 5_000);
        harness.send(harness.event(TcpEventType.CLOSE, "node-1", 77, ConnectionRole.SERVER, nginx, fromOutside)
                .setBytesSent(9_000L).setBytesReceived(300L).setSrttUs(20_000), 7_000);
        harness.quiet("node-1", 8_000, 60_000, 1_000);

        assertThat(harness.finals()).singleElement().satisfies(m -> {
            assertThat(m.getClientService()).isEqualTo("203.0.113.7");
            assertThat(m.getDestination()).isEqualTo(DEST);
            assertThat(m.getServerService()).isEqualTo(NGINX);
            assertThat(m.getSuccessfulConnects()).isEqualTo(1);
            assertThat(m.getClosedConnections()).isEqualTo(1);
            assertThat(m.getBytesSent()).as("sent by the client: received by the server").isEqualTo(300);
            assertThat(m.getBytesReceived()).isEqualTo(9_000);
        });
    }

    private void connect(long inode, int port, long atMs) {
        harness.send(harness.event(TcpEventType.CONNECT_OK, "node-2", inode, ConnectionRole.CLIENT, CLIENT,
                tuple("10.0.0.2", port, "10.0.0.1", 8080)).setHandshakeNs(250_000L), atMs);
    }

    private void stats(long inode, int port, long atMs, long sent, long received, int srttUs, long retransmits) {
        harness.send(harness.event(TcpEventType.STATS, "node-2", inode, ConnectionRole.CLIENT, CLIENT,
                        tuple("10.0.0.2", port, "10.0.0.1", 8080)).setBytesSent(sent).setBytesReceived(received)
                .setSrttUs(srttUs == 0 ? null : srttUs).setRetransmittedSegments(retransmits), atMs);
    }

    private void close(long inode, int port, long atMs, long sent, long received, int srttUs, long retransmits) {
        harness.send(harness.event(TcpEventType.CLOSE, "node-2", inode, ConnectionRole.CLIENT, CLIENT,
                        tuple("10.0.0.2", port, "10.0.0.1", 8080)).setBytesSent(sent).setBytesReceived(received)
                .setSrttUs(srttUs == 0 ? null : srttUs).setRetransmittedSegments(retransmits), atMs);
    }
}
