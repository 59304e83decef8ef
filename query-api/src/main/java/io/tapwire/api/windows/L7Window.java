package io.tapwire.api.windows;

import io.tapwire.api.counters.LatencyBuckets;
import io.tapwire.schemas.derived.L7Metric;

/**
 * Requests of one window (or of a run of windows) of one L7 series.
 *
 * @param latencySumNanos sum of the durations
 * @param bucketCounts    per-bucket counts in {@link LatencyBuckets}' layout, not cumulative; never modified
 */
public record L7Window(long requests, long errors, long latencySumNanos, long[] bucketCounts)
        implements WindowValue<L7Window> {

    public static L7Window of(L7Metric metric) {
        long[] buckets = new long[LatencyBuckets.COUNT];
        LatencyBuckets.add(metric.getLatencyBucketBoundsSeconds(), metric.getLatencyBucketCounts(), buckets);
        return new L7Window(metric.getRequests(), metric.getErrors(),
                Math.round(metric.getLatencySumSeconds() * 1e9), buckets);
    }

    /** Counts add up: a window followed by a later one is their sum. */
    @Override
    public L7Window followedBy(L7Window later) {
        return plus(later);
    }

    @Override
    public L7Window after(L7Window prefix) {
        return minus(prefix);
    }

    /** The figures of both windows together. */
    public L7Window plus(L7Window other) {
        long[] buckets = bucketCounts.clone();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += other.bucketCounts[i];
        }
        return new L7Window(requests + other.requests, errors + other.errors,
                latencySumNanos + other.latencySumNanos, buckets);
    }

    /** These figures without {@code other}'s, a part of them. */
    public L7Window minus(L7Window other) {
        long[] buckets = bucketCounts.clone();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] -= other.bucketCounts[i];
        }
        return new L7Window(requests - other.requests, errors - other.errors,
                latencySumNanos - other.latencySumNanos, buckets);
    }
}
