package io.tapwire.streams.window;

import java.time.Duration;

/**
 * Event-time tumbling windows aligned to the Unix epoch, and when each closes: a window [start, start + size)
 * closes once the task's stream time reaches its end plus the grace period. The late-record gate and the
 * aggregate after it decide with this one rule, so a record the gate lets through always finds its window open.
 *
 * @param updateInterval event time between two updates of a window that changed, and between two chances to close
 *                       windows ({@link WindowCloseClock}); shorter means fresher figures and more records. Final
 *                       records do not depend on it.
 */
public record TumblingWindows(Duration size, Duration grace, Duration updateInterval) {

    public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofSeconds(1);

    public TumblingWindows {
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("window size must be positive, was " + size);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("window grace must not be negative, was " + grace);
        }
        if (updateInterval.toMillis() <= 0 || updateInterval.compareTo(size) > 0) {
            throw new IllegalArgumentException("window update interval must be 1 ms to the window size (" + size
                    + "), was " + updateInterval);
        }
    }

    public TumblingWindows(Duration size, Duration grace) {
        this(size, grace, defaultUpdateInterval(size));
    }

    /** A second, or the window size if shorter. */
    public static Duration defaultUpdateInterval(Duration size) {
        return DEFAULT_UPDATE_INTERVAL.compareTo(size) > 0 ? size : DEFAULT_UPDATE_INTERVAL;
    }

    public long updateIntervalMs() {
        return updateInterval.toMillis();
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
