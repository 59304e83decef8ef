package io.tapwire.collector.node;

import java.time.Instant;

/**
 * Converts kernel timestamps to epoch time. The kernel stamps events with CLOCK_MONOTONIC (bpf_ktime_get_ns),
 * which is also what {@link System#nanoTime()} reads on Linux; the offset to CLOCK_REALTIME is measured by reading
 * the wall clock between two monotonic reads and keeping the tightest of several tries. Wall-clock steps (NTP) move
 * the offset, so the collector re-measures it periodically and records it in the inventory.
 */
public final class ClockOffset {

    private static final int TRIES = 16;

    private volatile long offsetNs;

    private ClockOffset(long offsetNs) {
        this.offsetNs = offsetNs;
    }

    public static ClockOffset measure() {
        return new ClockOffset(sample());
    }

    /** A fixed offset, never re-measured by the caller: for replaying recorded events (tests, benchmarks). */
    public static ClockOffset fixed(long offsetNs) {
        return new ClockOffset(offsetNs);
    }

    /** Measures again; returns the new offset. */
    public long remeasure() {
        offsetNs = sample();
        return offsetNs;
    }

    /** CLOCK_REALTIME minus CLOCK_MONOTONIC, nanoseconds. */
    public long offsetNs() {
        return offsetNs;
    }

    public long toEpochNs(long monotonicNs) {
        return monotonicNs + offsetNs;
    }

    private static long sample() {
        long best = 0;
        long bestWidth = Long.MAX_VALUE;
        for (int i = 0; i < TRIES; i++) {
            long before = System.nanoTime();
            Instant wall = Instant.now();
            long after = System.nanoTime();
            long width = after - before;
            if (width < bestWidth) {
                bestWidth = width;
                long wallNs = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
                best = wallNs - (before + width / 2);
            }
        }
        return best;
    }
}
