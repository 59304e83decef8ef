package io.tapwire.streams.window;

/**
 * Store keys of one series' window: {@code start/seriesKey}, the start zero-padded to 19 digits (record timestamps,
 * hence window starts, are never negative), so that keys sort by window start and the windows to close are one range
 * scan from the oldest.
 */
public final class WindowKeys {

    /** Enough digits for any non-negative long. */
    private static final int START_DIGITS = 19;

    private WindowKeys() {
    }

    public static String windowKey(long windowStartMs, String seriesKey) {
        return startDigits(windowStartMs) + '/' + seriesKey;
    }

    /** The series key of a {@link #windowKey}. */
    public static String seriesKeyOf(String windowKey) {
        return windowKey.substring(START_DIGITS + 1);
    }

    /**
     * The start's digits alone: every key of an earlier start sorts before it, every key of this start or a later one
     * after it.
     */
    public static String startDigits(long windowStartMs) {
        String digits = Long.toString(windowStartMs);
        StringBuilder padded = new StringBuilder(START_DIGITS);
        for (int i = digits.length(); i < START_DIGITS; i++) {
            padded.append('0');
        }
        return padded.append(digits).toString();
    }
}
