package io.tapwire.streams.l7.metrics;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Request latencies as a Prometheus histogram with the client libraries' default buckets (0.005 … 10 seconds, then
 * +Inf), so that Tapwire's RED metrics aggregate and query like any other service's
 * ({@code histogram_quantile(0.99, sum by (le) (rate(…_bucket[5m])))}) and line up with the reference agent's.
 *
 * <p>A duration counts in the first bucket whose upper bound it does not exceed (the {@code le} label is inclusive: 5
 * ms exactly is in the 0.005 bucket, 5 ms and 1 ns in the 0.01 one); beyond 10 s it counts in +Inf. Counts are kept
 * per bucket, not cumulative, so that {@link #merge} is an addition per bucket; {@link #cumulativeCounts()} gives the
 * exposition's view. The sum is kept in nanoseconds as a long, so that the same records merged in any grouping give
 * the same bits (a double sum would depend on the order of additions); it is turned into seconds when read, and
 * saturates at {@link Long#MAX_VALUE} (292 years) instead of wrapping. A negative duration (a clock read out of order)
 * counts as 0, so that a record still counts as a request.
 *
 * <p>Not thread-safe: one lives in one stream task's state.
 */
public final class LatencyHistogram {

    /** The buckets' upper bounds, in nanoseconds: Prometheus' {@code DefBuckets}. */
    private static final long[] UPPER_BOUNDS_NANOS = {
        5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L,
        1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L,
    };

    /** The number of buckets: the eleven finite ones and +Inf. */
    public static final int BUCKETS = UPPER_BOUNDS_NANOS.length + 1;

    private static final double NANOS_PER_SECOND = 1_000_000_000.0;
    private static final int STATE_VERSION = 1;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sumNanos;

    /** The upper bound of {@code bucket} in seconds, the value of its {@code le} label; +Inf for the last. */
    public static double upperBoundSeconds(int bucket) {
        checkBucket(bucket);
        return bucket == BUCKETS - 1 ? Double.POSITIVE_INFINITY : UPPER_BOUNDS_NANOS[bucket] / NANOS_PER_SECOND;
    }

    /**
     * The histogram whose buckets hold {@code bucketCounts} (each bucket's own count, as {@link #bucketCounts()} gives
     * them, +Inf last) and whose durations add up to {@code sumNanos}: a histogram kept in a record of a store. An empty
     * array is an empty histogram.
     */
    public static LatencyHistogram of(long[] bucketCounts, long sumNanos) {
        LatencyHistogram histogram = new LatencyHistogram();
        if (bucketCounts.length == 0 && sumNanos == 0) {
            return histogram;
        }
        if (bucketCounts.length != BUCKETS) {
            throw new IllegalArgumentException("a latency histogram has " + BUCKETS + " buckets, not "
                    + bucketCounts.length);
        }
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketCounts[i] < 0) {
                throw new IllegalArgumentException(bucketCounts[i] + " records in bucket " + i);
            }
            histogram.counts[i] = bucketCounts[i];
            histogram.count += bucketCounts[i];
        }
        if (sumNanos < 0) {
            throw new IllegalArgumentException("a sum of " + sumNanos + " ns");
        }
        histogram.sumNanos = sumNanos;
        return histogram;
    }

    public void record(long durationNanos) {
        long duration = Math.max(0, durationNanos);
        int bucket = 0;
        while (bucket < UPPER_BOUNDS_NANOS.length && duration > UPPER_BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        counts[bucket]++;
        count++;
        sumNanos = saturatedAdd(sumNanos, duration);
    }

    /** Adds {@code other}'s records to these, as if they had been recorded here. */
    public void merge(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sumNanos = saturatedAdd(sumNanos, other.sumNanos);
    }

    public long count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public long sumNanos() {
        return sumNanos;
    }

    /** The {@code _sum} of the exposition. */
    public double sumSeconds() {
        return sumNanos / NANOS_PER_SECOND;
    }

    /** The records in {@code bucket} alone: above the previous bound, up to its own. */
    public long bucketCount(int bucket) {
        checkBucket(bucket);
        return counts[bucket];
    }

    /** Each bucket's own count ({@link #bucketCount}), +Inf last: a copy. */
    public long[] bucketCounts() {
        return counts.clone();
    }

    /** The records up to {@code bucket}'s bound: the exposition's {@code _bucket{le="…"}}. */
    public long cumulativeCount(int bucket) {
        checkBucket(bucket);
        long total = 0;
        for (int i = 0; i <= bucket; i++) {
            total += counts[i];
        }
        return total;
    }

    /** {@link #cumulativeCount} of every bucket; the last equals {@link #count()}. */
    public long[] cumulativeCounts() {
        long[] cumulative = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts[i];
            cumulative[i] = total;
        }
        return cumulative;
    }

    /**
     * The {@code q}-quantile in seconds, estimated as Prometheus' {@code histogram_quantile} does from these buckets,
     * so that a value Tapwire shows matches what a dashboard computes from its exposition: the bucket holding the rank
     * {@code q × count} is found and the value interpolated linearly between its bounds (from 0 for the first bucket).
     * When the rank falls in +Inf, which has no upper bound to interpolate to, the answer is the highest finite bound,
     * 10 s: read it as "10 s or more". NaN when empty or {@code q} is NaN; -Inf below 0 and +Inf above 1; and, as
     * Prometheus does, NaN for {@code q = 0} when the first bucket is empty (its rank 0 has no records to sit between).
     */
    public double quantile(double q) {
        if (Double.isNaN(q) || count == 0) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        double rank = q * count;
        long below = 0;
        for (int bucket = 0; bucket < UPPER_BOUNDS_NANOS.length; bucket++) {
            long upTo = below + counts[bucket];
            if (upTo >= rank) {
                double start = bucket == 0 ? 0 : UPPER_BOUNDS_NANOS[bucket - 1] / NANOS_PER_SECOND;
                double end = UPPER_BOUNDS_NANOS[bucket] / NANOS_PER_SECOND;
                return start + (end - start) * ((rank - below) / counts[bucket]);
            }
            below = upTo;
        }
        return upperBoundSeconds(BUCKETS - 2);
    }

    public void writeState(DataOutput out) throws IOException {
        out.writeInt(STATE_VERSION);
        for (long bucketCount : counts) {
            out.writeLong(bucketCount);
        }
        out.writeLong(sumNanos);
    }

    public static LatencyHistogram readState(DataInput in) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("not a latency histogram state (version " + version + ", expected "
                    + STATE_VERSION + ")");
        }
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < BUCKETS; i++) {
            long bucketCount = in.readLong();
            if (bucketCount < 0) {
                throw new IOException("corrupt latency histogram state: " + bucketCount + " records in bucket " + i);
            }
            histogram.counts[i] = bucketCount;
            histogram.count += bucketCount;
        }
        histogram.sumNanos = in.readLong();
        if (histogram.sumNanos < 0) {
            throw new IOException("corrupt latency histogram state: a sum of " + histogram.sumNanos + " ns");
        }
        return histogram;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram other && sumNanos == other.sumNanos
                && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Long.hashCode(sumNanos);
    }

    @Override
    public String toString() {
        return "LatencyHistogram{count=" + count + ", sumNanos=" + sumNanos + ", counts=" + Arrays.toString(counts)
                + "}";
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static void checkBucket(int bucket) {
        if (bucket < 0 || bucket >= BUCKETS) {
            throw new IndexOutOfBoundsException("bucket " + bucket + " of " + BUCKETS);
        }
    }
}
