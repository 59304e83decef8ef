package io.tapwire.streams.window;

import java.time.Duration;

/**
 * Event-time tumbling windows aligned to the Unix epoch, and when each closes: a window [start, start + size)
 * closes once the task's stream time reaches its end plus the grace period. The late-record gate and the
 * aggregate after it decide with this one rule, so a record the gate lets through always finds its window open.
 */
public record TumblingWindows(Duration size, Duration grace) {

    public TumblingWindows {
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("window size must be positive, was " + size);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("window grace must not be negative, was " + grace);
        }
    }

    public long sizeMs() {
        return size.toMillis();
    }

    public long startOf(long timestampMs) {
        return timestampMs - Math.floorMod(timestampMs, sizeMs());
    }

    public long endOf(long windowStartMs) {
        return windowStartMs + sizeMs();
    }

    public boolean isClosed(long windowStartMs, long streamTimeMs) {
        return endOf(windowStartMs) + grace.toMillis() <= streamTimeMs;
    }

    /** The end of the latest closed window at {@code streamTimeMs}: every window ending at or before it is closed. */
    public long closedUntil(long streamTimeMs) {
        return startOf(streamTimeMs - grace.toMillis());
    }
}
