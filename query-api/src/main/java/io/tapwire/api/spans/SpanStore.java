package io.tapwire.api.spans;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The spans of the last {@code retention} of event time, at most {@code maxCount} of them, ordered by start time.
 * Bounded by event time, not by the wall clock: the newest span seen sets the horizon, so a replay of old data shows
 * the same as the live run did. One thread adds; any number search at the same time.
 */
public final class SpanStore {

    /** Orders spans by start time; the sequence number keeps spans that started in the same nanosecond apart. */
    private record Position(long startNs, long seq) implements Comparable<Position> {
        @Override
        public int compareTo(Position other) {
            int byStart = Long.compare(startNs, other.startNs);
            return byStart != 0 ? byStart : Long.compare(seq, other.seq);
        }
    }

    private final long retentionNs;
    private final int maxCount;
    private final ConcurrentSkipListMap<Position, Span> spans = new ConcurrentSkipListMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong newestStartNs = new AtomicLong(Long.MIN_VALUE);
    private long seq;

    public SpanStore(Duration retention, int maxCount) {
        this.retentionNs = retention.toNanos();
        this.maxCount = maxCount;
    }

    /** Keeps the span unless it is already older than the retention; then drops what fell out of it. */
    public void add(Span span) {
        long newest = newestStartNs.accumulateAndGet(span.startNs(), Math::max);
        long horizon = newest - retentionNs;
        if (span.startNs() < horizon) {
            return;
        }
        spans.put(new Position(span.startNs(), seq++), span);
        size.incrementAndGet();
        Map.Entry<Position, Span> oldest;
        while ((oldest = spans.firstEntry()) != null
                && (oldest.getKey().startNs() < horizon || size.get() > maxCount)) {
            if (spans.remove(oldest.getKey()) != null) {
                size.decrementAndGet();
            }
        }
    }

    /** Up to {@code limit} spans that started in {@code [fromNs, toNs]} and match, newest first. */
    public List<Span> newestFirst(long fromNs, long toNs, Predicate<Span> filter, int limit) {
        List<Span> found = new ArrayList<>(Math.min(limit, 1024));
        if (fromNs > toNs) {
            return found;
        }
        ConcurrentNavigableMap<Position, Span> range = spans.subMap(
                new Position(fromNs, Long.MIN_VALUE), true, new Position(toNs, Long.MAX_VALUE), true);
        for (Span span : range.descendingMap().values()) {
            if (filter.test(span)) {
                found.add(span);
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
