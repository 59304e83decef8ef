package io.tapwire.streams.l7.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.app.StreamsSettings;
import io.tapwire.streams.internal.L7Window;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L7 RED metrics from named requests: 10 s windows, 30 s grace (the defaults), heartbeats as the collectors' would
 * arrive through the stages before (a {@link HeartbeatMarker} on the input).
 */
class L7MetricsTest {

    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    static final String API = "/system.slice/api.service";
    static final String DB = "/k8s/shop/postgres";
    static final String DEST = "10.0.0.1:5432";
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    @TempDir
    Path state;
    private Harness harness;

    @BeforeEach
    void start() throws Exception {
        harness = new Harness(state.resolve("main"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aWindowCountsRequestsErrorsLatencySumAndBucketsWithABoundInclusive() {
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 3 * MS), 1_000);
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 5 * MS), 2_000);   // le="0.005"
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 5 * MS + 1), 3_000);
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 200 * MS), 4_000);
        harness.released(request(ObservedSide.CLIENT, true, "ok", true, 12 * S), 9_999);   // +Inf
        harness.quiet(10_000, 45_000);

        List<TestRecord<String, L7Metric>> finals = harness.finals();
        assertThat(finals).singleElement().satisfies(r -> {
            assertThat(L7MetricKey.parse(r.key()))
                    .isEqualTo(new L7MetricKey("client", API, DB, DEST, "postgres", "ok", at(0)));
            assertThat(r.timestamp()).as("the window's last millisecond").isEqualTo(at(9_999));
            L7Metric m = r.value();
            assertThat(m.getSide()).isEqualTo("client");
            assertThat(m.getCountingSide()).isTrue();
            assertThat(m.getClientService()).isEqualTo(API);
            assertThat(m.getServerService()).isEqualTo(DB);
            assertThat(m.getDestination()).isEqualTo(DEST);
            assertThat(m.getProtocol()).isEqualTo("postgres");
            assertThat(m.getStatus()).isEqualTo("ok");
            assertThat(m.getWindowStartEpochMs()).isEqualTo(at(0));
            assertThat(m.getWindowEndEpochMs()).isEqualTo(at(10_000));
            assertThat(m.getRequests()).isEqualTo(5);
            assertThat(m.getErrors()).isEqualTo(1);
            assertThat(m.getLatencySumSeconds()).isCloseTo(12.213000001, within(1e-12));
            assertThat(m.getLatencyBucketBoundsSeconds())
                    .containsExactly(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
            assertThat(m.getLatencyBucketCounts()).containsExactly(2L, 1L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 1L);
        });
        assertThat(harness.dlq.isEmpty()).isTrue();
    }

    @Test
    void theClientAndServerSidesOfTheSameRequestsAreTwoSeriesEachWithItsCountingSide() {
        for (long t : new long[] {1_000, 2_000, 3_000}) {
            harness.released(request(ObservedSide.CLIENT, true, "ok", false, 4 * MS), t);
            harness.released(request(ObservedSide.SERVER, false, "ok", false, 3 * MS), t);
        }
        harness.quiet(4_000, 45_000);

        List<L7Metric> finals = harness.finals().stream().map(TestRecord::value).toList();
        assertThat(finals).extracting(L7Metric::getSide, L7Metric::getCountingSide, L7Metric::getRequests)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("client", true, 3L),
                        org.assertj.core.groups.Tuple.tuple("server", false, 3L));
        assertThat(harness.finals()).extracting(TestRecord::key).containsExactlyInAnyOrder(
                new L7MetricKey("client", API, DB, DEST, "postgres", "ok", at(0)).format(),
                new L7MetricKey("server", API, DB, DEST, "postgres", "ok", at(0)).format());
    }

    @Test
    void eachWindowOfEachSeriesEmitsExactlyOneFinalRecordOnceHeartbeatsCarryTimePastItsEndPlusGrace() {
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 2 * MS), 1_000);
        harness.released(request(ObservedSide.CLIENT, true, "53300", true, 2 * MS), 2_000);
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 2 * MS), 12_000);
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 2 * MS), 13_000);
        harness.quiet(14_000, 39_000);
        assertThat(harness.finals()).as("window [0 s, 10 s) closes at 40 s").isEmpty();
        assertThat(harness.all).as("but its updates came").isNotEmpty()
                .allSatisfy(r -> assertThat(r.value().getFinal$()).isFalse());

        // From here on nothing but heartbeats.
        harness.quiet(40_000, 49_000);
        assertThat(harness.finals()).extracting(r -> r.value().getStatus(), r -> r.value().getWindowStartEpochMs(),
                        r -> r.value().getRequests(), r -> r.value().getErrors())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("53300", at(0), 1L, 1L),
                        org.assertj.core.groups.Tuple.tuple("ok", at(0), 1L, 0L));

        harness.quiet(50_000, 120_000);
        assertThat(harness.finals()).extracting(r -> r.value().getStatus(), r -> r.value().getWindowStartEpochMs(),
                        r -> r.value().getRequests())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("53300", at(0), 1L),
                        org.assertj.core.groups.Tuple.tuple("ok", at(0), 1L),
                        org.assertj.core.groups.Tuple.tuple("ok", at(10_000), 2L));
        for (TestRecord<String, L7Metric> last : harness.finals()) {
            List<TestRecord<String, L7Metric>> ofKey = harness.all.stream().filter(r -> r.key().equals(last.key())).toList();
            assertThat(ofKey.get(ofKey.size() - 1)).as("nothing after the final record of %s", last.key())
                    .isSameAs(last);
        }
        List<TestRecord<String, L7Window>> relayed = harness.repartition().readRecordsToList();
        assertThat(relayed).as("heartbeats pass the repartition").filteredOn(r -> r.timestamp() > at(14_000))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(HeartbeatMarker.is(r.key(), r.value())).isTrue());
        assertThat(harness.dlq.isEmpty()).isTrue();
    }

    @Test
    void aRequestTooLateForItsClosedWindowGoesToTheDlqAndIsNotCounted() {
        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 2 * MS), 5_000);
        harness.quiet(6_000, 50_000);
        assertThat(harness.finals()).singleElement().satisfies(r -> assertThat(r.value().getRequests()).isEqualTo(1));
        int before = harness.all.size();

        harness.released(request(ObservedSide.CLIENT, true, "ok", false, 2 * MS), 8_000);   // [0 s, 10 s) closed at 40 s
        harness.quiet(51_000, 60_000);

        assertThat(harness.outputs()).isEmpty();
        assertThat(harness.all).hasSize(before);
        assertThat(harness.finals()).singleElement().satisfies(r -> assertThat(r.value().getRequests()).isEqualTo(1));
        List<TestRecord<String, DeadLetter>> dead = harness.dlq.readRecordsToList();
        assertThat(dead).singleElement().satisfies(r -> {
            DeadLetter letter = r.value();
            assertThat(letter.getStage()).isEqualTo("late for window l7-metrics");
            assertThat(letter.getReason()).contains("2026-11-27T10:00:08Z",
                    "[2026-11-27T10:00:00Z, 2026-11-27T10:00:10Z)", "PT30S");
            assertThat(letter.getSourceTopic()).as("the gate is in the task that reads the named requests")
                    .isEqualTo("l7.requests");
            assertThat(letter.getSourceTimestampMs()).isEqualTo(at(8_000));
            assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).as("the request's connection")
                    .isEqualTo(new ConnectionKey("prod", "node-2", "boot-1", 41).format());
            assertThat(harness.serdes.of(L7Request.class).deserializer().deserialize("", bytes(letter.getValue())))
                    .as("the request itself").isEqualTo(request(ObservedSide.CLIENT, true, "ok", false, 2 * MS));
            assertThat(r.timestamp()).isEqualTo(at(8_000));
        });
    }

    @Test
    void aThousandRequestsInOneSecondOfEventTimeGiveAFewUpdatesNotOneRecordEach() {
        for (int i = 0; i < 1_000; i++) {
            harness.released(request(ObservedSide.CLIENT, true, "ok", false, i * MS), 1_000 + i);
        }
        harness.quiet(2_000, 3_000);
        List<TestRecord<String, L7Metric>> updates = harness.outputs();
        assertThat(updates).hasSizeBetween(1, 3).allSatisfy(r -> assertThat(r.value().getFinal$()).isFalse());
        assertThat(updates.get(updates.size() - 1).value().getRequests())
                .as("once a second of event time has passed, the update has every request").isEqualTo(1_000);

        harness.quiet(4_000, 45_000);
        assertThat(harness.finals()).singleElement().satisfies(r -> {
            assertThat(r.value().getRequests()).isEqualTo(1_000);
            assertThat(r.value().getLatencyBucketCounts())
                    .containsExactly(6L, 5L, 15L, 25L, 50L, 150L, 250L, 499L, 0L, 0L, 0L, 0L);
        });
        assertThat(harness.all).hasSizeLessThan(10);
        assertThat(harness.repartition().readRecordsToList())
                .as("the series' task gets the requests' partials, not a record per request")
                .filteredOn(r -> r.value() != null).hasSizeBetween(1, 3)
                .allSatisfy(r -> assertThat(r.timestamp()).as("stamped before the window closes").isLessThan(at(40_000)))
                .extracting(r -> L7Windows.histogramOf(r.value()).count())
                .satisfies(counts -> assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000));
    }

    @Test
    void aShorterUpdateIntervalShowsAWindowsRequestsSoonerAndChangesNoFinalRecord() throws Exception {
        Properties quarterSecond = new Properties();
        quarterSecond.setProperty("tapwire.streams.window-update-interval", "250ms");
        try (Harness often = new Harness(state.resolve("often"), quarterSecond)) {
            for (Harness h : List.of(harness, often)) {
                h.released(request(ObservedSide.CLIENT, true, "ok", false, 3 * MS), 1_000);
                for (long t = 1_100; t <= 1_900; t += 100) {
                    h.heartbeat(t);
                }
            }
            assertThat(harness.outputs()).as("by default, not before event time enters the next second").isEmpty();
            assertThat(often.outputs()).as("every 250 ms of event time").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.value().getFinal$()).isFalse())
                    .last().satisfies(r -> assertThat(r.value().getRequests()).isEqualTo(1));
            for (Harness h : List.of(harness, often)) {
                h.quiet(2_000, 45_000);
            }
            assertThat(often.finals()).singleElement().extracting(TestRecord::value)
                    .isEqualTo(harness.finals().get(0).value());
        }
    }

    @Test
    void theSameRequestsInAnyInterleavingOrRunGiveIdenticalFinalRecords() throws Exception {
        List<Timed> requests = new ArrayList<>();
        Random random = new Random(7);
        String[] statuses = {"ok", "ok", "ok", "23505", "40001"};
        for (int i = 0; i < 300; i++) {
            ObservedSide side = i % 3 == 0 ? ObservedSide.SERVER : ObservedSide.CLIENT;
            String status = statuses[random.nextInt(statuses.length)];
            // durations with nanosecond digits: a double sum would differ with the order of addition
            long duration = random.nextInt(3_000) * MS + random.nextInt(1_000_000) + 1;
            requests.add(new Timed(request(side, side == ObservedSide.CLIENT, status, !status.equals("ok"), duration),
                    random.nextInt(25_000)));
        }

        List<Timed> inOrder = new ArrayList<>(requests);
        inOrder.sort((a, b) -> Long.compare(a.atMs(), b.atMs()));
        List<Timed> shuffled = new ArrayList<>(requests);
        Collections.shuffle(shuffled, new Random(11));
        List<Timed> reversed = new ArrayList<>(inOrder);
        Collections.reverse(reversed);

        List<TestRecord<String, L7Metric>> first = finalsOf(state.resolve("in-order"), inOrder, true);
        assertThat(first.stream().mapToLong(r -> r.value().getRequests()).sum()).isEqualTo(300);
        assertThat(first).extracting(r -> r.value().getWindowStartEpochMs()).contains(at(0), at(10_000), at(20_000));
        assertThat(finalsOf(state.resolve("shuffled"), shuffled, false)).isEqualTo(first);
        assertThat(finalsOf(state.resolve("reversed"), reversed, true)).isEqualTo(first);
        assertThat(finalsOf(state.resolve("again"), inOrder, true)).as("a replay").isEqualTo(first);
    }

    private record Timed(L7Request request, long atMs) {
    }

    /** The final records of one run; each request released at once, or all held until the heartbeats after them. */
    private static List<TestRecord<String, L7Metric>> finalsOf(Path dir, List<Timed> requests, boolean released)
            throws Exception {
        try (Harness run = new Harness(dir)) {
            for (Timed timed : requests) {
                if (released) {
                    run.released(timed.request(), timed.atMs());
                } else {
                    run.send(timed.request(), timed.atMs());
                }
            }
            run.quiet(25_000, 70_000);
            assertThat(run.dlq.isEmpty()).isTrue();
            return run.finals();
        }
    }

    static L7Request request(ObservedSide side, boolean countingSide, String status, boolean error, long durationNs) {
        return L7Request.newBuilder().setCluster("prod").setNode(side == ObservedSide.CLIENT ? "node-2" : "node-1")
                .setBootId("boot-1").setSocketInode(side == ObservedSide.CLIENT ? 41 : 77).setSide(side)
                .setClientService(API).setServerService(DB).setDestination(DEST).setCountingSide(countingSide)
                .setProtocol("postgres").setOperation("SELECT").setResource("SELECT * FROM orders WHERE id = ?")
                .setStatus(status).setError(error).setDurationNs(durationNs).build();
    }

    static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static long at(long atMs) {
        return T0.toEpochMilli() + atMs;
    }

    /** {@link L7Metrics} alone over one input topic, its outputs on two topics; one task, as the test driver runs. */
    static final class Harness implements AutoCloseable {
        private final StubRegistry registry;
        final TopologySerdes serdes;
        private final TopologyTestDriver driver;
        private final TestInputTopic<String, L7Request> requests;
        private final TestOutputTopic<String, L7Metric> metrics;
        final TestOutputTopic<String, DeadLetter> dlq;
        /** Every metric record read so far. */
        final List<TestRecord<String, L7Metric>> all = new ArrayList<>();
        private long lastHeartbeatMs = Long.MIN_VALUE;

        Harness(Path stateDir) throws Exception {
            this(stateDir, new Properties());
        }

        /** @param settings more streams settings, over the test's own */
        Harness(Path stateDir, Properties settings) throws Exception {
            Properties props = new Properties();
            props.putAll(settings);
            props.setProperty("tapwire.streams.state-dir", stateDir.toString());
            props.setProperty("tapwire.streams.application-id", "l7-metrics-test");
            props.setProperty("tapwire.streams.heartbeat-relay-interval", "0s");
            StreamsSettings streams = StreamsSettings.fromProperties(props);
            registry = new StubRegistry();
            serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));

            StreamsBuilder builder = new StreamsBuilder();
            L7Metrics.Outputs outputs = L7Metrics.build(builder,
                    builder.stream("l7.requests", Consumed.with(Serdes.String(), serdes.of(L7Request.class))),
                    serdes, streams.windows(), 1);
            outputs.metrics().to("metrics", Produced.with(Serdes.String(), serdes.of(L7Metric.class)));
            outputs.deadLetters().to("dlq", Produced.with(Serdes.String(), serdes.of(DeadLetter.class)));
            driver = new TopologyTestDriver(builder.build(), streams.streamsProperties());
            requests = driver.createInputTopic("l7.requests", Serdes.String().serializer(),
                    serdes.of(L7Request.class).serializer());
            metrics = driver.createOutputTopic("metrics", Serdes.String().deserializer(),
                    serdes.of(L7Metric.class).deserializer());
            dlq = driver.createOutputTopic("dlq", Serdes.String().deserializer(),
                    serdes.of(DeadLetter.class).deserializer());
        }

        /** A request at {@code atMs}, held by the event-time sync until a heartbeat passes it. */
        void send(L7Request request, long atMs) {
            requests.pipeInput(new ConnectionKey(request.getCluster(), request.getNode(), request.getBootId(),
                    request.getSocketInode()).format(), request, T0.plusMillis(atMs));
        }

        /** A request and a heartbeat at its time (or the last heartbeat's, if later): it is released at once. */
        void released(L7Request request, long atMs) {
            send(request, atMs);
            heartbeat(Math.max(atMs, lastHeartbeatMs));
        }

        void heartbeat(long atMs) {
            lastHeartbeatMs = Math.max(lastHeartbeatMs, atMs);
            requests.pipeInput(HeartbeatMarker.KEY, null, T0.plusMillis(atMs));
        }

        /** Heartbeats every second from {@code fromMs} to {@code toMs}: time passes with no request. */
        void quiet(long fromMs, long toMs) {
            for (long t = fromMs; t <= toMs; t += 1_000) {
                heartbeat(t);
            }
        }

        /** The metric records emitted since the last call. */
        List<TestRecord<String, L7Metric>> outputs() {
            List<TestRecord<String, L7Metric>> read = metrics.readRecordsToList();
            all.addAll(read);
            return read;
        }

        /** Every final record so far, in the order emitted. */
        List<TestRecord<String, L7Metric>> finals() {
            outputs();
            return all.stream().filter(r -> r.value().getFinal$()).collect(Collectors.toList());
        }

        TestOutputTopic<String, L7Window> repartition() {
            return driver.createOutputTopic("l7-metrics-test-" + L7Metrics.BY_SERIES + "-requests-repartition",
                    Serdes.String().deserializer(), serdes.of(L7Window.class).deserializer());
        }

        @Override
        public void close() {
            driver.close();
            registry.close();
        }
    }
}
