package io.tapwire.api.counters;

/**
 * Cumulative L7 counts of one series of {@code tapwire.l7.metrics.v1} (its key without the window), summed over its
 * final windows.
 *
 * @param side            {@code client} or {@code server}: which end observed the requests
 * @param latencySumNanos sum of the durations, nanoseconds (an integer: the same records give the same bits in any
 *                        order)
 * @param bucketCounts    per-bucket counts in {@link LatencyBuckets}' layout, not cumulative
 */
public record L7Entry(String side, String clientService, String serverService, String destination, String protocol,
                      String status, long requests, long errors, long latencySumNanos, long[] bucketCounts) {
}
