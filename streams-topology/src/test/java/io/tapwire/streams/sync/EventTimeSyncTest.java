package io.tapwire.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two channels merged by an {@link EventTimeSync}: whatever order their records arrive in, the same records come
 * out in the same order, and only once both channels' heartbeats have passed them.
 */
class EventTimeSyncTest {

    static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    Path state;

    private record In(String topic, String value, long atMs) {
    }

    @Test
    void recordsWaitUntilEveryChannelHasPassedThem() {
        try (Driver driver = new Driver(state.resolve("wait"))) {
            driver.send(new In("a", "a1", 100));
            driver.send(new In("a", "hb", 200));
            assertThat(driver.out()).as("channel b has not shown any progress").isEmpty();

            driver.send(new In("b", "b1", 150));
            driver.send(new In("b", "hb", 160));
            assertThat(driver.out()).as("released up to 160, the lower of the two heartbeats")
                    .containsExactly("a:a1@100", "b:b1@150", "b:hb@160");

            driver.send(new In("b", "hb", 300));
            assertThat(driver.out()).containsExactly("a:hb@200");
        }
    }

    @Test
    void recordsHeldAcrossACommitAndThoseThatCameAfterItComeOutInOneOrder() {
        try (Driver driver = new Driver(state.resolve("spilled"))) {
            // The test driver commits after every input record: a1, a2, b1 and a's heartbeat wait in written
            // segments, one per commit; b's heartbeat arrives in the same step as it releases everything up to 350,
            // itself included, so the records written and the one that never was merge in event-time order.
            driver.send(new In("a", "a1", 100));
            driver.send(new In("a", "a2", 300));
            driver.send(new In("b", "b1", 200));
            driver.send(new In("a", "hb", 400));
            assertThat(driver.out()).isEmpty();
            assertThat(driver.bufferChangelog()).as("what waited at each commit, written once, a segment per commit")
                    .hasSize(4).doesNotContainNull();
            driver.send(new In("b", "hb", 350));
            assertThat(driver.out()).containsExactly("a:a1@100", "b:b1@200", "a:a2@300", "b:hb@350");
            assertThat(driver.bufferChangelog()).as("a tombstone for each segment emptied (a's heartbeat at 400 still "
                    + "waits in its own); nothing for b's heartbeat, released before any commit, and no release mark, "
                    + "since no stored segment was released in part")
                    .hasSize(3).containsOnlyNulls();
        }
    }

    @Test
    void heldRecordsBeyondTheMemoryBoundAreReadBackInTheirPlace() {
        try (Driver driver = new Driver(state.resolve("bounded"), 1)) {
            for (int i = 1; i <= 6; i++) {
                driver.send(new In(i % 2 == 0 ? "a" : "b", "r" + i, 700 - i * 100));
            }
            driver.send(new In("a", "hb", 650));
            driver.send(new In("b", "hb", 350));
            assertThat(driver.out()).as("one held record at most stays in memory: the rest come back from the store")
                    .containsExactly("a:r6@100", "b:r5@200", "a:r4@300", "b:hb@350");
            driver.send(new In("b", "hb", 1_000));
            assertThat(driver.out()).containsExactly("b:r3@400", "a:r2@500", "b:r1@600", "a:hb@650");
        }
    }

    @Test
    void anyInterleavingOfTheChannelsGivesTheSameSequence() {
        List<In> a = List.of(new In("a", "a1", 100), new In("a", "a2", 100), new In("a", "hb", 150),
                new In("a", "a3", 120), new In("a", "a4", 400), new In("a", "hb", 1_000));
        List<In> b = List.of(new In("b", "b1", 100), new In("b", "b2", 300), new In("b", "hb", 500),
                new In("b", "b3", 450), new In("b", "hb", 1_000));
        List<In> aFirst = new ArrayList<>(a);
        aFirst.addAll(b);
        List<In> bFirst = new ArrayList<>(b);
        bFirst.addAll(a);
        List<In> alternating = new ArrayList<>();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            if (i < b.size()) {
                alternating.add(b.get(i));
            }
            if (i < a.size()) {
                alternating.add(a.get(i));
            }
        }

        List<String> first = run(state.resolve("a-first"), aFirst);
        // a3 and b3 came after their own channel's heartbeat had passed their time: they go just after it.
        assertThat(first).containsExactly("a:a1@100", "a:a2@100", "b:b1@100", "a:hb@150", "a:a3@120", "b:b2@300",
                "a:a4@400", "b:hb@500", "b:b3@450", "a:hb@1000", "b:hb@1000");
        assertThat(run(state.resolve("b-first"), bFirst)).isEqualTo(first);
        assertThat(run(state.resolve("alternating"), alternating)).isEqualTo(first);
    }

    @Test
    void aChannelWithoutHeartbeatsHoldsEverythingBackAndTheOperatorIsToldWhich() throws Exception {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (Driver driver = new Driver(state.resolve("stalled"))) {
            System.setErr(new java.io.PrintStream(captured, true));
            driver.send(new In("a", "a1", 100));
            driver.send(new In("a", "hb", 200));
            driver.driver.advanceWallClockTime(java.time.Duration.ofSeconds(61));
            driver.send(new In("a", "a2", 300));

            assertThat(driver.out()).isEmpty();
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString()).contains("Event-time sync test").contains("holds 2 records")
                .contains("ch-b#0=no heartbeat yet").doesNotContain("ch-a#0");
    }

    private static List<String> run(Path dir, List<In> inputs) {
        try (Driver driver = new Driver(dir)) {
            inputs.forEach(driver::send);
            return driver.out();
        }
    }

    /** Topics a and b, each through a heartbeat repartition, merged by a sync; out has "channel:value@time". */
    private static final class Driver implements AutoCloseable {
        private final TopologyTestDriver driver;
        private final TestInputTopic<String, String> a;
        private final TestInputTopic<String, String> b;
        private final TestOutputTopic<String, String> out;
        private final TestOutputTopic<byte[], byte[]> bufferChangelog;

        Driver(Path dir) {
            this(dir, HeldRecords.DEFAULT_RESIDENT_RECORDS);
        }

        Driver(Path dir, int residentRecords) {
            StreamsBuilder builder = new StreamsBuilder();
            List<EventTimeSync.Channel<?>> channels = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                KStream<String, String> repartitioned = HeartbeatRepartition.repartition(
                        builder.stream(name, Consumed.with(Serdes.String(), Serdes.String())), "ch-" + name,
                        Serdes.String(), value -> value.startsWith("hb"));
                channels.add(EventTimeSync.Channel.repartitioned("ch-" + name, repartitioned, Serdes.String(),
                        value -> value.startsWith("hb")));
            }
            EventTimeSync.merge(builder, "test", 1, channels)
                    .process(() -> new org.apache.kafka.streams.processor.api.Processor<String, Object, String, String>() {
                        private org.apache.kafka.streams.processor.api.ProcessorContext<String, String> context;

                        @Override
                        public void init(org.apache.kafka.streams.processor.api.ProcessorContext<String, String> context) {
                            this.context = context;
                        }

                        @Override
                        public void process(org.apache.kafka.streams.processor.api.Record<String, Object> record) {
                            String channel = EventTimeSync.channelOf(record.headers()).substring("ch-".length());
                            context.forward(record.withValue(channel + ":" + record.value() + "@"
                                    + (record.timestamp() - T0.toEpochMilli())));
                        }
                    })
                    .to("out", Produced.with(Serdes.String(), Serdes.String()));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sync-test");
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
            props.put(HeartbeatRepartition.RELAY_INTERVAL_CONFIG, "0");
            props.put(HeldRecords.RESIDENT_RECORDS_CONFIG, Integer.toString(residentRecords));
            driver = new TopologyTestDriver(builder.build(), props);
            a = driver.createInputTopic("a", Serdes.String().serializer(), Serdes.String().serializer());
            b = driver.createInputTopic("b", Serdes.String().serializer(), Serdes.String().serializer());
            out = driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
            bufferChangelog = driver.createOutputTopic("sync-test-" + EventTimeSync.bufferStore("test") + "-changelog",
                    Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        }

        void send(In in) {
            (in.topic().equals("a") ? a : b).pipeInput("k", in.value(), T0.plusMillis(in.atMs()));
        }

        List<String> out() {
            return out.readRecordsToList().stream().map(TestRecord::value).toList();
        }

        /** The values written to the sync buffer's changelog since the last call (null: a tombstone). */
        List<byte[]> bufferChangelog() {
            return bufferChangelog.readRecordsToList().stream().map(TestRecord::value).toList();
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
