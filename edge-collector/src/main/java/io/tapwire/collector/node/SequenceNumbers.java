package io.tapwire.collector.node;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-node, per-boot sequence number of raw records, strictly increasing across collector restarts without
 * any state on disk: a run starts at the monotonic clock's reading (nanoseconds since boot) and counts up by one
 * per record. A run issues far fewer than one record per nanosecond, so its numbers stay below the clock, and the
 * next run, starting at a later clock reading, starts above every number issued before.
 */
public final class SequenceNumbers {

    private final AtomicLong next;

    public SequenceNumbers() {
        this(System.nanoTime());
    }

    /** Numbers from {@code start} on: for replaying recorded events (tests, benchmarks). */
    public SequenceNumbers(long start) {
        this.next = new AtomicLong(start);
    }

    public long next() {
        return next.getAndIncrement();
    }
}
