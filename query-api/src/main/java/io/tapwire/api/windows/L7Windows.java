package io.tapwire.api.windows;

import java.time.Duration;

/**
 * The windows of {@code tapwire.l7.metrics.v1}: every series' own ({@link #series()}), and kept beside them at ingest
 * their sums per edge and protocol ({@link #edges()}) over the series that count each request once (the counting
 * side), whatever their side, destination and status. The service map reads the sums: one running total per edge
 * instead of one per series, and an edge in a real cluster has many series (statuses, destinations, both sides).
 *
 * <p>Every window put into the series also moves the sums' horizons: both stores have the same newest window, so they
 * keep windows and roll them up into minutes at the same cutoffs, and a sum over any range is exactly the sum of its
 * series' figures over that range (the figures of a window only add up). One thread puts; any number read.
 */
public final class L7Windows {

    private final WindowStore<L7Series, L7Window> series;
    private final WindowStore<L7Edge, L7Window> edges;

    public L7Windows(Duration windowRetention, Duration retention) {
        this.series = new WindowStore<>(windowRetention, retention);
        this.edges = new WindowStore<>(windowRetention, retention);
    }

    /** Keeps {@code window} as the figures of the window of {@code key} starting at {@code startMs}. */
    public void put(L7Series key, long startMs, L7Window window) {
        L7Window replaced = series.put(key, startMs, window);
        if (key.countingSide()) {
            // An update replaces the series' earlier figures of that window: the edge's sum changes by the difference.
            edges.update(L7Edge.of(key), startMs, sum -> {
                L7Window added = sum == null ? window : sum.plus(window);
                return replaced == null ? added : added.minus(replaced);
            });
        } else {
            edges.advanceTo(startMs);
        }
    }

    public WindowStore<L7Series, L7Window> series() {
        return series;
    }

    /** The counting side's series summed per edge and protocol. */
    public WindowStore<L7Edge, L7Window> edges() {
        return edges;
    }
}
