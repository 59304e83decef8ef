package io.tapwire.api.windows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.tapwire.api.query.TimeRange;

/**
 * The windows of a metric topic by series: the latest update of each window (an update supersedes the earlier ones;
 * the final record is the last), kept for {@code windowRetention}, and per series 1-minute rollups of the windows
 * dropped after that, kept for {@code retention}. Both horizons are event time behind the newest window read, never
 * the wall clock, so a replay shows what the live run showed.
 *
 * <p>A query reads the windows where they are still kept and the rollups before that (see {@link #scan}): a range
 * older than {@code windowRetention} has a resolution of one minute. An update of a window older than the windows
 * kept can no longer be told from one already rolled up and is dropped ({@link #droppedUpdates()}); the window
 * retention must therefore exceed the topology's grace period, as the default (1 h) does by far.
 *
 * <p>One thread puts; any number scan at the same time (a read-write lock: a scan sees no half-applied update).
 *
 * @param <K> the series key
 * @param <V> the figures of one window
 */
public final class WindowStore<K, V extends WindowValue<V>> {

    static final long MINUTE_MS = 60_000;

    /** The bucket size of a scan that wants one value per series for the whole range. */
    public static final long WHOLE_RANGE = Long.MAX_VALUE;
    /** The bucket size of a scan that wants every window on its own. */
    public static final long EVERY_WINDOW = 0;

    /** Receives the figures of a scan: those of one series one after the other, oldest first. */
    @FunctionalInterface
    public interface Visitor<K, V> {
        /** @param startMs start of the first window (or rollup minute) the figures cover */
        void visit(K series, long startMs, V value);
    }

    private static final class Series<V extends WindowValue<V>> {
        final RunningWindows<V> windows = new RunningWindows<>();
        final TreeMap<Long, V> minutes = new TreeMap<>();
    }

    private final long windowRetentionMs;
    private final long retentionMs;
    private final Map<K, Series<V>> series = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private long newestStartMs = Long.MIN_VALUE;
    private long prunedAtCutoff = Long.MIN_VALUE;
    private long prunedAtMinute = Long.MIN_VALUE;
    private long windows;
    private long droppedUpdates;

    public WindowStore(Duration windowRetention, Duration retention) {
        this.windowRetentionMs = windowRetention.toMillis();
        this.retentionMs = retention.toMillis();
    }

    /**
     * Keeps {@code value} as the figures of the window of {@code key} starting at {@code startMs}; returns the figures
     * it replaced, null when the window is new or the update is dropped (older than the windows kept).
     */
    public V put(K key, long startMs, V value) {
        return update(key, startMs, current -> value);
    }

    /**
     * Replaces the figures of the window of {@code key} starting at {@code startMs} with what {@code change} makes of
     * them (it is given null when the window is new); returns the figures replaced, null as {@link #put} does.
     */
    public V update(K key, long startMs, UnaryOperator<V> change) {
        lock.writeLock().lock();
        try {
            advance(startMs);
            if (startMs < windowCutoffMs()) {
                droppedUpdates++;
                return null;
            }
            RunningWindows<V> w = series.computeIfAbsent(key, k -> new Series<>()).windows;
            V replaced = w.windowAt(startMs);
            if (w.put(startMs, change.apply(replaced))) {
                windows++;
            }
            return replaced;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Moves the newest window's start to {@code startMs} if it is later, without a window: the horizons then follow
     * those of another store that got a window starting there.
     */
    public void advanceTo(long startMs) {
        lock.writeLock().lock();
        try {
            advance(startMs);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void advance(long startMs) {
        newestStartMs = Math.max(newestStartMs, startMs);
        if (windowCutoffMs() != prunedAtCutoff || minuteOf(newestStartMs) != prunedAtMinute) {
            prune();
        }
    }

    /**
     * Visits every series {@code keys} accepts with its figures in {@code range}: where windows are kept, those of the
     * windows starting in the range, added up per bucket of {@code bucketMs} (aligned to multiples of it since the
     * epoch; {@link #WHOLE_RANGE} for one value, {@link #EVERY_WINDOW} for each window on its own); before that the
     * rollups of the minutes starting in the range, one by one.
     */
    public void scan(TimeRange range, long bucketMs, Predicate<K> keys, Visitor<K, V> visitor) {
        long fromMs = range.fromMs();
        long toMs = range.toMs();
        if (fromMs >= toMs) {
            return;
        }
        lock.readLock().lock();
        try {
            long cutoff = windowCutoffMs();
            long windowsFrom = Math.max(fromMs, cutoff);
            for (Map.Entry<K, Series<V>> entry : series.entrySet()) {
                K key = entry.getKey();
                if (!keys.test(key)) {
                    continue;
                }
                Series<V> s = entry.getValue();
                if (fromMs < cutoff) {
                    for (Map.Entry<Long, V> minute : s.minutes.subMap(fromMs, true, Math.min(toMs, cutoff), false)
                            .entrySet()) {
                        visitor.visit(key, minute.getKey(), minute.getValue());
                    }
                }
                if (toMs > cutoff) {
                    visitWindows(key, s.windows, windowsFrom, toMs, bucketMs, visitor);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static <K, V extends WindowValue<V>> void visitWindows(K key, RunningWindows<V> windows, long fromMs,
                                                                     long toMs, long bucketMs, Visitor<K, V> visitor) {
        int end = windows.firstAtOrAfter(toMs);
        int i = windows.firstAtOrAfter(fromMs);
        while (i < end) {
            int last;
            if (bucketMs == EVERY_WINDOW) {
                last = i;
            } else if (bucketMs == WHOLE_RANGE) {
                last = end - 1;
            } else {
                long bucketEnd = Math.floorDiv(windows.startAt(i), bucketMs) * bucketMs + bucketMs;
                last = Math.min(end, windows.firstAtOrAfter(bucketEnd)) - 1;
            }
            visitor.visit(key, windows.startAt(i), windows.run(i, last));
            i = last + 1;
        }
    }

    /** Whether any series kept is accepted by {@code keys}. */
    public boolean anySeries(Predicate<K> keys) {
        lock.readLock().lock();
        try {
            for (K key : series.keySet()) {
                if (keys.test(key)) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.readLock().unlock();
        }
    }

    public int seriesCount() {
        lock.readLock().lock();
        try {
            return series.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Windows kept (rollups not counted). */
    public long windowCount() {
        lock.readLock().lock();
        try {
            return windows;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Updates of windows older than the windows kept, which could not be applied. */
    public long droppedUpdates() {
        lock.readLock().lock();
        try {
            return droppedUpdates;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Windows start at or after this; the minutes before it are answered from the rollups. A minute boundary. */
    private long windowCutoffMs() {
        return newestStartMs == Long.MIN_VALUE ? Long.MIN_VALUE : minuteOf(newestStartMs - windowRetentionMs);
    }

    /**
     * Rolls the windows behind the cutoff up into minutes and drops them, drops the rollups behind the retention, and
     * the series left empty. The cutoff is a minute boundary: whole minutes are rolled up.
     */
    private void prune() {
        long cutoff = windowCutoffMs();
        prunedAtCutoff = cutoff;
        prunedAtMinute = minuteOf(newestStartMs);
        long rollupCutoff = newestStartMs - retentionMs;
        for (Iterator<Series<V>> it = series.values().iterator(); it.hasNext(); ) {
            Series<V> s = it.next();
            RunningWindows<V> w = s.windows;
            int old = w.firstAtOrAfter(cutoff);
            int i = 0;
            while (i < old) {
                long minute = minuteOf(w.startAt(i));
                int last = Math.min(old, w.firstAtOrAfter(minute + MINUTE_MS)) - 1;
                s.minutes.put(minute, w.run(i, last));
                i = last + 1;
            }
            w.dropFirst(old);
            windows -= old;
            s.minutes.headMap(rollupCutoff, false).clear();
            if (w.size() == 0 && s.minutes.isEmpty()) {
                it.remove();
            }
        }
    }

    private static long minuteOf(long ms) {
        return Math.floorDiv(ms, MINUTE_MS) * MINUTE_MS;
    }
}
