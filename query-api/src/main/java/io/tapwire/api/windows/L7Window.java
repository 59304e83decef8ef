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

    @Override
    public L7Window followedBy(L7Window later) {
        long[] buckets = bucketCounts.clone();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += later.bucketCounts[i];
        }
        return new L7Window(requests + later.requests, errors + later.errors,
                latencySumNanos + later.latencySumNanos, buckets);
    }

    @Override
    public L7Window after(L7Window prefix) {
        long[] buckets = bucketCounts.clone();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] -= prefix.bucketCounts[i];
        }
        return new L7Window(requests - prefix.requests, errors - prefix.errors,
                latencySumNanos - prefix.latencySumNanos, buckets);
    }
}
