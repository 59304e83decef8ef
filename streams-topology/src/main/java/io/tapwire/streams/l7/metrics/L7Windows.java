package io.tapwire.streams.l7.metrics;

import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.derived.L7Request;
import io.tapwire.streams.internal.L7Window;
import io.tapwire.streams.window.PartialRules;

/**
 * The counts of one series in one window ({@link L7Window}), as both steps of the aggregation keep them: the naming
 * task's partials add requests ({@link #PARTIALS}), the series task's windows add partials
 * ({@link L7WindowAggregator}). Every figure is an integer, so any order of the same requests gives the same bits.
 */
final class L7Windows {

    /** How the naming task's partials' step counts requests. */
    static final PartialRules<L7Request, L7Window> PARTIALS = new PartialRules<>() {
        @Override
        public String seriesKey(L7Request request) {
            return L7Metrics.seriesKey(request);
        }

        @Override
        public L7Window open(L7Request request, long windowStartMs) {
            return L7Windows.open(request, windowStartMs);
        }

        @Override
        public long windowStart(L7Window partial) {
            return partial.getWindowStartEpochMs();
        }

        @Override
        public void add(L7Window partial, L7Request request) {
            L7Windows.add(partial, request);
        }

        @Override
        public boolean isHeartbeat(String key, L7Request request) {
            return L7Metrics.isHeartbeat(key, request);
        }
    };

    private L7Windows() {
    }

    /** An empty window of {@code request}'s series starting at {@code windowStartMs}. */
    static L7Window open(L7Request request, long windowStartMs) {
        return L7Window.newBuilder()
                .setSide(L7Metrics.side(request)).setClientService(request.getClientService())
                .setServerService(request.getServerService()).setDestination(request.getDestination())
                .setProtocol(request.getProtocol()).setStatus(request.getStatus())
                .setWindowStartEpochMs(windowStartMs).build();
    }

    static void add(L7Window window, L7Request request) {
        LatencyHistogram latency = histogramOf(window);
        latency.record(request.getDurationNs());
        store(window, latency);
        if (request.getError()) {
            window.setErrors(window.getErrors() + 1);
        }
        if (request.getCountingSide()) {
            window.setCountingSide(true);
        }
    }

    static void merge(L7Window window, L7Window partial) {
        LatencyHistogram latency = histogramOf(window);
        latency.merge(histogramOf(partial));
        store(window, latency);
        window.setErrors(window.getErrors() + partial.getErrors());
        if (partial.getCountingSide()) {
            window.setCountingSide(true);
        }
    }

    static LatencyHistogram histogramOf(L7Window window) {
        List<Long> stored = window.getLatencyBucketCounts();
        long[] counts = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < stored.size(); i++) {
            counts[i] = stored.get(i);
        }
        return LatencyHistogram.of(counts, window.getLatencySumNanos());
    }

    static List<Long> toList(long[] counts) {
        List<Long> list = new ArrayList<>(counts.length);
        for (long count : counts) {
            list.add(count);
        }
        return list;
    }

    private static void store(L7Window window, LatencyHistogram latency) {
        window.setLatencyBucketCounts(toList(latency.bucketCounts()));
        window.setLatencySumNanos(latency.sumNanos());
    }
}
