package io.tapwire.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a sync's held records become at commits, and what a restart reads back: a restart is the memory dropped
 * ({@code clearCache}, what a task closed without committing does) over the store as the last commit left it.
 */
class HeldRecordsTest {

    private static final HeldRecords.Codec<String> STRINGS = new HeldRecords.Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    private KeyValueStore<Bytes, byte[]> stored;

    @BeforeEach
    void store() {
        stored = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        stored.init(context.getStateStoreContext(), stored);
    }

    @Test
    void aRestartReleasesWhatWasHeldAtTheLastCommitExactlyOnce() {
        HeldRecords<String> held = HeldRecords.over(stored, 100).open(STRINGS);
        held.hold(key(1), "r1");
        held.hold(key(3), "r3");
        held.flushCache();                       // commit: r1 and r3 in one segment
        held.hold(key(2), "r2");
        held.hold(key(5), "r5");
        assertThat(release(held, 0, 2)).containsExactly("r1", "r2");
        held.flushCache();                       // commit: r5 in a second segment, the release mark at 2
        held.hold(key(4), "r4");                 // never committed: its input is read again after the restart
        assertThat(release(held, 3, 3)).containsExactly("r3");

        held.clearCache();                       // the task closed without committing
        assertThat(release(held, 0, 9)).as("r3's release was not committed; r1's was, from a segment not yet empty")
                .containsExactly("r3", "r5");
    }

    @Test
    void aSegmentIsDeletedAtTheCommitAfterItsLastRecordWasReleased() {
        HeldRecords<String> held = HeldRecords.over(stored, 100).open(STRINGS);
        held.hold(key(1), "r1");
        held.hold(key(2), "r2");
        held.flushCache();
        assertThat(stored.approximateNumEntries()).as("one segment").isEqualTo(1);
        release(held, 0, 1);
        held.flushCache();
        assertThat(stored.approximateNumEntries()).as("the segment and the release mark").isEqualTo(2);
        release(held, 2, 2);
        held.hold(key(3), "r3");
        release(held, 3, 3);
        held.flushCache();
        assertThat(stored.approximateNumEntries()).as("only the release mark: r3 was never written").isEqualTo(1);
    }

    @Test
    void aCommitsRecordsAreSplitIntoSegmentsAProducerRequestCanCarry() {
        HeldRecords<String> held = HeldRecords.over(stored, 1_000).open(STRINGS);
        String big = "x".repeat(100_000);
        for (int i = 0; i < 30; i++) {
            held.hold(key(i), i + big);
        }
        held.flushCache();
        assertThat(stored.approximateNumEntries()).as("3 MB of records: a segment per 256 KiB").isBetween(12L, 15L);
        try (var all = stored.all()) {
            all.forEachRemaining(segment -> assertThat(segment.value.length).isLessThanOrEqualTo(HeldRecords.SEGMENT_BYTES));
        }
        held.clearCache();
        assertThat(release(held, 0, 29)).hasSize(30).allMatch(value -> value.endsWith(big))
                .extracting(value -> value.substring(0, value.indexOf('x')))
                .containsExactly(java.util.stream.IntStream.range(0, 30).mapToObj(Integer::toString).toArray(String[]::new));
    }

    @Test
    void recordsBeyondTheMemoryBoundComeBackFromTheStoreInTheirPlace() {
        HeldRecords<String> held = HeldRecords.over(stored, 2).open(STRINGS);
        for (int commit = 0; commit < 4; commit++) {
            held.hold(key(10 - 2 * commit), "r" + (10 - 2 * commit));
            held.hold(key(11 - 2 * commit), "r" + (11 - 2 * commit));
            held.flushCache();
        }
        held.hold(key(12), "r12");
        assertThat(release(held, 0, 8)).containsExactly("r4", "r5", "r6", "r7", "r8");
        held.flushCache();
        held.clearCache();
        assertThat(release(held, 0, 20)).containsExactly("r9", "r10", "r11", "r12");
    }

    private static List<String> release(HeldRecords<String> held, int from, int to) {
        List<String> released = new ArrayList<>();
        held.release(key(from), key(to), released::add);
        return released;
    }

    private static Bytes key(int n) {
        return Bytes.wrap(new byte[] {0, 0, 0, (byte) n});
    }
}
