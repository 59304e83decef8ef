package io.tapwire.api.windows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

import io.tapwire.api.query.TimeRange;

/**
 * The windows of a metric topic by series: the latest update of each window (an update supersedes the earlier ones;
 * the final record is the last), kept for {@code windowRetention}, and per series 1-minute rollups of them kept for
 * {@code retention}. Both horizons are event time behind the newest window read, never the wall clock, so a replay
 * shows what the live run showed.
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

    /** Receives the windows and rollups of a scan: those of one series one after the other, oldest first. */
    @FunctionalInterface
    public interface Visitor<K, V> {
        void visit(K series, long startMs, V value);
    }

    private static final class Series<V> {
        final TreeMap<Long, V> windows = new TreeMap<>();
        final TreeMap<Long, V> minutes = new TreeMap<>();
    }

    private final long windowRetentionMs;
    private final long retentionMs;
    private final Map<K, Series<V>> series = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private long newestStartMs = Long.MIN_VALUE;
    private long prunedAtMinute = Long.MIN_VALUE;
    private long windows;
    private long droppedUpdates;

    public WindowStore(Duration windowRetention, Duration retention) {
        this.windowRetentionMs = windowRetention.toMillis();
        this.retentionMs = retention.toMillis();
    }

    /** Keeps {@code value} as the figures of the window of {@code key} starting at {@code startMs}. */
    public void put(K key, long startMs, V value) {
        lock.writeLock().lock();
        try {
            newestStartMs = Math.max(newestStartMs, startMs);
            if (startMs < windowCutoffMs()) {
                droppedUpdates++;
                return;
            }
            Series<V> s = series.computeIfAbsent(key, k -> new Series<>());
            if (s.windows.put(startMs, value) == null) {
                windows++;
            }
            long minute = minuteOf(startMs);
            V rollup = null;
            for (V window : s.windows.subMap(minute, true, minute + MINUTE_MS, false).values()) {
                rollup = rollup == null ? window : rollup.followedBy(window);
            }
            s.minutes.put(minute, rollup);
            if (minuteOf(newestStartMs) != prunedAtMinute) {
                prune();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Visits every series {@code keys} accepts with its figures in {@code range}: the windows starting in it where
     * windows are still kept, and before that the rollups of the minutes starting in it.
     */
    public void scan(TimeRange range, Predicate<K> keys, Visitor<K, V> visitor) {
        long fromMs = range.fromMs();
        long toMs = range.toMs();
        if (fromMs >= toMs) {
            return;
        }
        lock.readLock().lock();
        try {
            long cutoff = windowCutoffMs();
            for (Map.Entry<K, Series<V>> entry : series.entrySet()) {
                K key = entry.getKey();
                if (!keys.test(key)) {
                    continue;
                }
                Series<V> s = entry.getValue();
                if (fromMs < cutoff) {
                    visit(key, s.minutes.subMap(fromMs, true, Math.min(toMs, cutoff), false), visitor);
                }
                if (toMs > cutoff) {
                    visit(key, s.windows.subMap(Math.max(fromMs, cutoff), true, toMs, false), visitor);
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private static <K, V> void visit(K key, NavigableMap<Long, V> values, Visitor<K, V> visitor) {
        for (Map.Entry<Long, V> e : values.entrySet()) {
            visitor.visit(key, e.getKey(), e.getValue());
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

    /** Drops the windows and rollups behind their horizons, and the series left empty. */
    private void prune() {
        prunedAtMinute = minuteOf(newestStartMs);
        long cutoff = windowCutoffMs();
        long rollupCutoff = newestStartMs - retentionMs;
        for (Iterator<Series<V>> it = series.values().iterator(); it.hasNext(); ) {
            Series<V> s = it.next();
            NavigableMap<Long, V> old = s.windows.headMap(cutoff, false);
            windows -= old.size();
            old.clear();
            s.minutes.headMap(rollupCutoff, false).clear();
            if (s.windows.isEmpty() && s.minutes.isEmpty()) {
                it.remove();
            }
        }
    }

    private static long minuteOf(long ms) {
        return Math.floorDiv(ms, MINUTE_MS) * MINUTE_MS;
    }
}
