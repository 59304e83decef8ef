package io.tapwire.api.windows;

import io.tapwire.api.counters.LatencyBuckets;

/** Requests summed over windows and series while a query runs: mutable, owned by one query. */
public final class L7Totals {

    private long requests;
    private long errors;
    private final long[] buckets = new long[LatencyBuckets.COUNT];

    public void add(L7Window window) {
        requests += window.requests();
        errors += window.errors();
        long[] counts = window.bucketCounts();
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += counts[i];
        }
    }

    public void add(L7Totals other) {
        requests += other.requests;
        errors += other.errors;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] += other.buckets[i];
        }
    }

    public long requests() {
        return requests;
    }

    public long errors() {
        return errors;
    }

    /** Errors per request; 0 when there were none. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Requests per latency bucket in {@link LatencyBuckets}' layout (a copy). */
    public long[] bucketCounts() {
        return buckets.clone();
    }

    /** Null when there were no requests. */
    public LatencyPercentiles latency() {
        return LatencyPercentiles.of(buckets);
    }
}
