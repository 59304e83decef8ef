package io.tapwire.streams.window;

import java.util.OptionalLong;

import io.tapwire.streams.sync.EventClock;

/**
 * When a windowed aggregate closes its windows. The aggregate sits behind an
 * {@link io.tapwire.streams.sync.EventTimeSync} and a late-record gate ({@link PartialAggregator}), and counts time as the gate does: by
 * the records released to it, heartbeats included ({@link EventClock}), never by the task's stream time (which
 * counts records the sync still holds) nor by the wall clock. Once per update interval
 * ({@link TumblingWindows#updateInterval}) of that time it may close
 * windows, by the gate's rule ({@link TumblingWindows#isClosed}): the gate has seen at least the records the
 * aggregate has, so a record it lets through always finds its window still open, and a closed window's final
 * figures are those of the records the gate let through, whenever the tick came.
 */
public final class WindowCloseClock {

    private final TumblingWindows windows;
    /** Ticks once per update interval: a chance to close windows (and to emit updates, for an aggregate that batches them). */
    private final EventClock clock;
    /** The boundary of the last {@link #closeBoundary()}, in memory: after a restart the first one is new. */
    private long closedUntil = Long.MIN_VALUE;

    public WindowCloseClock(TumblingWindows windows) {
        this.windows = windows;
        this.clock = new EventClock(windows.updateIntervalMs());
    }

    /** Moves time to {@code timestampMs} if later; true when a tick is due (see {@link EventClock#advance}). */
    public boolean advance(long timestampMs) {
        return clock.advance(timestampMs);
    }

    /** The largest timestamp seen; {@link Long#MIN_VALUE} before the first record. */
    public long timeMs() {
        return clock.timeMs();
    }

    /** Whether the window starting at {@code windowStartMs} has closed by this clock's time. */
    public boolean isClosed(long windowStartMs) {
        return windows.isClosed(windowStartMs, clock.timeMs());
    }

    /**
     * At a tick: the end of the latest closed window ({@link TumblingWindows#closedUntil}; every window starting
     * before it is closed) when it moved since the last call, else empty.
     */
    public OptionalLong closeBoundary() {
        long boundary = windows.closedUntil(clock.timeMs());
        if (boundary == closedUntil) {
            return OptionalLong.empty();
        }
        closedUntil = boundary;
        return OptionalLong.of(boundary);
    }

    /** The timestamp of a window's final record: its last millisecond. */
    public long finalTimestamp(long windowStartMs) {
        return windows.endOf(windowStartMs) - 1;
    }
}
