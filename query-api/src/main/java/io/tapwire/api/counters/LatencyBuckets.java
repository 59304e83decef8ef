package io.tapwire.api.counters;

import java.util.List;

/**
 * The latency histogram's buckets: Prometheus' default bounds (the client libraries' {@code DefBuckets}), as the
 * topology writes them in {@code L7Metric} and as Coroot's agent exposes its {@code _duration_seconds_total}
 * histograms, then +Inf. Counts are kept per bucket, not cumulative.
 */
public final class LatencyBuckets {

    private static final double[] BOUNDS_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** The eleven finite buckets and +Inf. */
    public static final int COUNT = BOUNDS_SECONDS.length + 1;

    private LatencyBuckets() {
    }

    /** The {@code le} bound of bucket {@code i} in seconds; +Inf for the last. */
    public static double upperBoundSeconds(int i) {
        return i == COUNT - 1 ? Double.POSITIVE_INFINITY : BOUNDS_SECONDS[i];
    }

    /**
     * Adds a record's per-bucket counts to {@code into}. Records written with these bounds add bucket by bucket.
     * Should a record carry other bounds, each of its buckets goes to the first bucket here whose bound is not
     * lower: every count stays in the histogram and under a bound at least as high as its own, so the cumulative
     * counts stay true upper limits at every {@code le}.
     */
    public static void add(List<Double> bounds, List<Long> counts, long[] into) {
        for (int i = 0; i < counts.size(); i++) {
            long count = counts.get(i);
            if (count == 0) {
                continue;
            }
            double bound = i < bounds.size() ? bounds.get(i) : Double.POSITIVE_INFINITY;
            into[target(bound)] += count;
        }
    }

    /** Counts one observation of {@code nanos} in {@code into}: under the first bound not below it. */
    public static void observe(long nanos, long[] into) {
        into[target(nanos / 1e9)]++;
    }

    private static int target(double bound) {
        for (int j = 0; j < BOUNDS_SECONDS.length; j++) {
            // The bounds travel as doubles: 0.005 written by one encoder compares equal to 0.005 here.
            if (BOUNDS_SECONDS[j] >= bound) {
                return j;
            }
        }
        return COUNT - 1;
    }
}
