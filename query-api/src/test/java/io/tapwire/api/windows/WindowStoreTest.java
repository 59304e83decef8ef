package io.tapwire.api.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.tapwire.api.query.TimeRange;
import org.junit.jupiter.api.Test;

class WindowStoreTest {

    private static final long T0 = Instant.parse("2026-01-31T12:00:00Z").toEpochMilli();
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;

    private record Seen(String series, long startMs, long requests) {
    }

    private final WindowStore<String, L7Window> store = new WindowStore<>(Duration.ofMinutes(10), Duration.ofHours(1));

    private List<Seen> scan(long fromMs, long toMs) {
        return scan(fromMs, toMs, WindowStore.EVERY_WINDOW);
    }

    private List<Seen> scan(long fromMs, long toMs, long bucketMs) {
        List<Seen> seen = new ArrayList<>();
        store.scan(new TimeRange(Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs)), bucketMs, k -> true,
                (series, startMs, window) -> seen.add(new Seen(series, startMs, window.requests())));
        return seen;
    }

    @Test
    void anUpdateSupersedesTheEarlierOnesOfItsWindow() {
        store.put("a", T0, Windows.l7(0, 0.001));
        store.put("a", T0, Windows.l7(0, 0.001, 0.002));
        store.put("a", T0, Windows.l7(0, 0.001, 0.002, 0.003));

        assertThat(scan(T0, T0 + MINUTE)).containsExactly(new Seen("a", T0, 3));
        assertThat(store.windowCount()).isEqualTo(1);
    }

    @Test
    void aPutReturnsTheFiguresItReplacedAndAnUpdateStartsFromThem() {
        assertThat(store.put("a", T0, Windows.l7(0, 0.001))).isNull();
        assertThat(store.put("a", T0, Windows.l7(0, 0.001, 0.002)).requests()).isEqualTo(1);
        store.put("a", T0 + 10 * SECOND, Windows.l7(0, 0.001));

        L7Window replaced = store.update("a", T0, w -> w.plus(Windows.l7(1, 0.5)));

        assertThat(replaced.requests()).isEqualTo(2);
        assertThat(scan(T0, T0 + MINUTE)).containsExactly(new Seen("a", T0, 3), new Seen("a", T0 + 10 * SECOND, 1));
        assertThat(store.update("b", T0, w -> w == null ? Windows.l7(0, 0.1) : w.plus(w))).isNull();
        assertThat(scan(T0, T0 + MINUTE)).contains(new Seen("b", T0, 1));
    }

    @Test
    void advancingWithoutAWindowMovesTheHorizonsAsAWindowWould() {
        store.put("a", T0, Windows.l7(0, 0.001));
        store.put("a", T0 + 10 * SECOND, Windows.l7(0, 0.001));

        store.advanceTo(T0 + 11 * MINUTE);

        assertThat(scan(T0, T0 + MINUTE)).as("rolled up into their minute").containsExactly(new Seen("a", T0, 2));
        assertThat(store.windowCount()).isZero();
        assertThat(store.put("a", T0 + 20 * SECOND, Windows.l7(0, 0.001))).as("dropped, too old").isNull();
        assertThat(store.droppedUpdates()).isEqualTo(1);
    }

    @Test
    void windowsBelongToARangeByTheirStart() {
        for (long t = T0; t < T0 + MINUTE; t += 10 * SECOND) {
            store.put("a", t, Windows.l7(0, 0.001));
        }

        assertThat(scan(T0 + 10 * SECOND, T0 + 30 * SECOND)).extracting(Seen::startMs)
                .containsExactly(T0 + 10 * SECOND, T0 + 20 * SECOND);
        assertThat(scan(T0 + 10 * SECOND + 1, T0 + 30 * SECOND + 1)).extracting(Seen::startMs)
                .containsExactly(T0 + 20 * SECOND, T0 + 30 * SECOND);
        assertThat(scan(T0, T0)).isEmpty();
    }

    @Test
    void olderThanTheWindowRetentionARangeIsAnsweredFromMinuteRollups() {
        // 10 s windows over 30 minutes, 1 request each; the second one updated to 5 requests while still kept
        for (long t = T0; t < T0 + 30 * MINUTE; t += 10 * SECOND) {
            store.put("a", t, Windows.l7(0, 0.001));
            if (t == T0 + MINUTE) {
                store.put("a", T0 + 10 * SECOND, Windows.l7(0, 0.001, 0.001, 0.001, 0.001, 0.001));
            }
        }

        // the newest window starts at T0 + 29:50; windows are kept from T0 + 19:00 on
        List<Seen> old = scan(T0, T0 + 2 * MINUTE);
        assertThat(old).containsExactly(new Seen("a", T0, 10), new Seen("a", T0 + MINUTE, 6));
        List<Seen> across = scan(T0 + 18 * MINUTE, T0 + 19 * MINUTE + 20 * SECOND);
        assertThat(across).containsExactly(new Seen("a", T0 + 18 * MINUTE, 6),
                new Seen("a", T0 + 19 * MINUTE, 1), new Seen("a", T0 + 19 * MINUTE + 10 * SECOND, 1));
        assertThat(store.windowCount()).as("windows older than 10 minutes dropped").isEqualTo(66);
    }

    @Test
    void aScanAddsUpTheWindowsOfEachBucketAlignedToTheEpoch() {
        for (long t = T0; t < T0 + 5 * MINUTE; t += 10 * SECOND) {
            store.put("a", t, Windows.l7(0, new double[(int) ((t - T0) / SECOND)]));
        }
        // an update in the middle changes every running total after it
        store.put("a", T0 + 2 * MINUTE, Windows.l7(0, 0.001));
        long from = T0 + 30 * SECOND;
        long to = T0 + 3 * MINUTE + 20 * SECOND;

        List<Seen> windows = scan(from, to, WindowStore.EVERY_WINDOW);
        List<Seen> minutes = scan(from, to, MINUTE);
        List<Seen> whole = scan(from, to, WindowStore.WHOLE_RANGE);

        assertThat(windows).hasSize(17);
        assertThat(windows.get(9)).isEqualTo(new Seen("a", T0 + 2 * MINUTE, 1));
        assertThat(minutes).extracting(Seen::startMs).containsExactly(T0 + 30 * SECOND, T0 + MINUTE,
                T0 + 2 * MINUTE, T0 + 3 * MINUTE);
        assertThat(minutes).extracting(Seen::requests).containsExactly(30L + 40 + 50, 60L + 70 + 80 + 90 + 100 + 110,
                1L + 130 + 140 + 150 + 160 + 170, 180L + 190);
        assertThat(whole).containsExactly(new Seen("a", from, windows.stream().mapToLong(Seen::requests).sum()));
    }

    @Test
    void windowsArrivingOutOfOrderAreKeptInOrder() {
        store.put("a", T0 + 20 * SECOND, Windows.l7(0, 0.001, 0.001, 0.001));
        store.put("a", T0, Windows.l7(0, 0.001));
        store.put("a", T0 + 10 * SECOND, Windows.l7(0, 0.001, 0.001));

        assertThat(scan(T0, T0 + MINUTE)).containsExactly(new Seen("a", T0, 1), new Seen("a", T0 + 10 * SECOND, 2),
                new Seen("a", T0 + 20 * SECOND, 3));
        assertThat(scan(T0 + 10 * SECOND, T0 + MINUTE, WindowStore.WHOLE_RANGE)).extracting(Seen::requests)
                .containsExactly(5L);
    }

    @Test
    void rollupsOlderThanTheRetentionAndTheirSeriesAreDropped() {
        store.put("old", T0, Windows.l7(0, 0.001));
        store.put("new", T0 + 61 * MINUTE, Windows.l7(0, 0.001));

        assertThat(scan(T0 - MINUTE, T0 + 2 * MINUTE)).isEmpty();
        assertThat(store.seriesCount()).isEqualTo(1);
        assertThat(store.anySeries("old"::equals)).isFalse();
    }

    @Test
    void anUpdateOfAWindowNoLongerKeptIsDroppedAndCounted() {
        store.put("a", T0, Windows.l7(0, 0.001));
        store.put("a", T0 + 20 * MINUTE, Windows.l7(0, 0.001));
        store.put("a", T0, Windows.l7(0, 0.001, 0.001));

        assertThat(store.droppedUpdates()).isEqualTo(1);
        assertThat(scan(T0, T0 + MINUTE)).containsExactly(new Seen("a", T0, 1));
    }

    @Test
    void theHorizonIsEventTimeNotTheWallClock() {
        long longAgo = Instant.parse("2001-01-01T00:00:00Z").toEpochMilli();
        store.put("a", longAgo, Windows.l7(0, 0.001));

        assertThat(scan(longAgo, longAgo + MINUTE)).hasSize(1);
    }
}
