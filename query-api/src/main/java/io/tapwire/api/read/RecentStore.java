package io.tapwire.api.read;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * The items (spans, events) of the last {@code retention} of event time, at most {@code maxCount} of them, ordered by
 * their time. Bounded by event time, not by the wall clock: the newest item seen sets the horizon, so a replay of old
 * data shows the same as the live run did. One thread adds; any number search at the same time.
 *
 * @param <T> the item, immutable
 */
public class RecentStore<T> {

    /** Orders items by time; the sequence number keeps items in the same nanosecond apart. */
    private record Position(long timeNs, long seq) implements Comparable<Position> {
        @Override
        public int compareTo(Position other) {
            int byStart = Long.compare(timeNs, other.timeNs);
            return byStart != 0 ? byStart : Long.compare(seq, other.seq);
        }
    }

    private final long retentionNs;
    private final int maxCount;
    private final ConcurrentSkipListMap<Position, T> items = new ConcurrentSkipListMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ToLongFunction<T> timeNs;
    private final AtomicLong newestNs = new AtomicLong(Long.MIN_VALUE);
    private long seq;

    /** @param timeNs the item's event time, nanoseconds since the epoch */
    public RecentStore(Duration retention, int maxCount, ToLongFunction<T> timeNs) {
        this.retentionNs = retention.toNanos();
        this.maxCount = maxCount;
        this.timeNs = timeNs;
    }

    /** Keeps the item unless it is already older than the retention; then drops what fell out of it. */
    public void add(T item) {
        long time = timeNs.applyAsLong(item);
        long newest = newestNs.accumulateAndGet(time, Math::max);
        long horizon = newest - retentionNs;
        if (time < horizon) {
            return;
        }
        items.put(new Position(time, seq++), item);
        size.incrementAndGet();
        Map.Entry<Position, T> oldest;
        while ((oldest = items.firstEntry()) != null
                && (oldest.getKey().timeNs() < horizon || size.get() > maxCount)) {
            if (items.remove(oldest.getKey()) != null) {
                size.decrementAndGet();
            }
        }
    }

    /** Up to {@code limit} items of {@code [fromNs, toNs]} that match, newest first. */
    public List<T> newestFirst(long fromNs, long toNs, Predicate<T> filter, int limit) {
        List<T> found = new ArrayList<>(Math.min(limit, 1024));
        if (fromNs > toNs) {
            return found;
        }
        ConcurrentNavigableMap<Position, T> range = items.subMap(
                new Position(fromNs, Long.MIN_VALUE), true, new Position(toNs, Long.MAX_VALUE), true);
        for (T item : range.descendingMap().values()) {
            if (filter.test(item)) {
                found.add(item);
                if (found.size() == limit) {
                    break;
                }
            }
        }
        return found;
    }

    public int size() {
        return size.get();
    }
}
