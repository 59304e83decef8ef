package io.tapwire.api.windows;

import io.tapwire.api.counters.LatencyBuckets;

/** Hand-made windows for the query tests. */
public final class Windows {

    private Windows() {
    }

    /** An L7 window with one request per latency (seconds), each in its bucket. */
    public static L7Window l7(long errors, double... latenciesSeconds) {
        long[] buckets = new long[LatencyBuckets.COUNT];
        long sum = 0;
        for (double latency : latenciesSeconds) {
            int bucket = 0;
            while (bucket < LatencyBuckets.COUNT - 1 && latency > LatencyBuckets.upperBoundSeconds(bucket)) {
                bucket++;
            }
            buckets[bucket]++;
            sum += Math.round(latency * 1e9);
        }
        return new L7Window(latenciesSeconds.length, errors, sum, buckets);
    }

    public static TcpWindow tcp(long startMs, long connects, long failedConnects, long active, double rttSeconds) {
        return new TcpWindow(connects, failedConnects, 0, 100 * connects, 200 * connects, Math.round(rttSeconds * 1e9),
                rttSeconds > 0 ? 1 : 0, startMs, active);
    }
}
