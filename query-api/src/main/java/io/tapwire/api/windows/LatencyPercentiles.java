package io.tapwire.api.windows;

import io.tapwire.api.counters.LatencyBuckets;
import io.tapwire.api.query.Rounding;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * p50, p95 and p99 of a latency histogram in {@link LatencyBuckets}' layout, in milliseconds, estimated as
 * Prometheus' {@code histogram_quantile} does: find the bucket holding the rank, interpolate linearly between its
 * lower and upper bound (the first bucket's lower bound is 0). A rank in the +Inf bucket is answered with the highest
 * finite bound: all that is known is that those requests took longer.
 */
@Schema(name = "Latency", description = "Latency percentiles in milliseconds, estimated from the histogram buckets "
        + "(linear interpolation within a bucket), four significant digits; null when there were no requests")
public record LatencyPercentiles(
        @Schema(description = "Median, milliseconds") double p50,
        @Schema(description = "95th percentile, milliseconds") double p95,
        @Schema(description = "99th percentile, milliseconds") double p99) {

    /** Estimates from buckets: {@link Rounding#DIGITS} significant digits. */
    public LatencyPercentiles {
        p50 = Rounding.significant(p50);
        p95 = Rounding.significant(p95);
        p99 = Rounding.significant(p99);
    }

    /** The percentiles of per-bucket (not cumulative) counts; null when they are all zero. */
    public static LatencyPercentiles of(long[] bucketCounts) {
        long total = 0;
        for (long count : bucketCounts) {
            total += count;
        }
        if (total <= 0) {
            return null;
        }
        return new LatencyPercentiles(quantileMs(0.50, bucketCounts, total), quantileMs(0.95, bucketCounts, total),
                quantileMs(0.99, bucketCounts, total));
    }

    static double quantileMs(double q, long[] counts, long total) {
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            long count = counts[i];
            if (count > 0 && below + count >= rank) {
                double upper = LatencyBuckets.upperBoundSeconds(i);
                if (Double.isInfinite(upper)) {
                    return LatencyBuckets.upperBoundSeconds(i - 1) * 1000;
                }
                double lower = i == 0 ? 0 : LatencyBuckets.upperBoundSeconds(i - 1);
                return (lower + (upper - lower) * (rank - below) / count) * 1000;
            }
            below += count;
        }
        return LatencyBuckets.upperBoundSeconds(LatencyBuckets.COUNT - 2) * 1000;
    }
}
