package io.tapwire.api.windows;

import java.util.Arrays;

/**
 * The windows of one series, oldest first, kept as running totals: entry {@code i} holds the figures of every window
 * up to and including window {@code i}, so the figures of any run of consecutive windows are one difference
 * ({@link #run}), found with two binary searches over an array of start times. A query over a range then costs the
 * same for 1 window as for 360, and reads two entries per series instead of walking a tree of windows.
 *
 * <p>Windows mostly arrive in time order, and updates concern the newest ones: an append costs one
 * {@link WindowValue#followedBy}; an update or an insertion {@code k} windows from the end recomputes those {@code k}
 * totals. Not thread-safe: the {@link WindowStore} locks.
 */
final class RunningWindows<V extends WindowValue<V>> {

    private long[] starts = new long[16];
    private Object[] totals = new Object[16];
    private int size;
    /** The running total of the windows dropped from the front; null when none were. */
    private V dropped;

    int size() {
        return size;
    }

    long startAt(int i) {
        return starts[i];
    }

    /** The figures of the window starting at {@code startMs}; null when there is none. */
    V windowAt(long startMs) {
        int i = indexOf(startMs);
        return i < 0 ? null : run(i, i);
    }

    /** Keeps {@code value} as the window starting at {@code startMs}; true when it is a new window, not an update. */
    boolean put(long startMs, V value) {
        int i = indexOf(startMs);
        boolean added = i < 0;
        int at = added ? -i - 1 : i;
        // The windows after the one put: their own figures, before the totals they are part of change.
        int later = size - (added ? at : at + 1);
        @SuppressWarnings("unchecked")
        V[] following = (V[]) new WindowValue[later];
        for (int k = 0; k < later; k++) {
            int index = size - later + k;
            following[k] = run(index, index);
        }
        if (added) {
            grow();
            System.arraycopy(starts, at, starts, at + 1, size - at);
            System.arraycopy(totals, at, totals, at + 1, size - at);
            starts[at] = startMs;
            size++;
        }
        V total = before(at) == null ? value : before(at).followedBy(value);
        totals[at] = total;
        for (int k = 0; k < later; k++) {
            total = total.followedBy(following[k]);
            totals[at + 1 + k] = total;
        }
        return added;
    }

    /** The window's index, or (-(insertion point) - 1); windows mostly arrive in time order, at the end. */
    private int indexOf(long startMs) {
        if (size == 0 || startMs > starts[size - 1]) {
            return -size - 1;
        }
        return Arrays.binarySearch(starts, 0, size, startMs);
    }

    /** The figures of windows {@code from} to {@code to}, both included. */
    V run(int from, int to) {
        V before = before(from);
        V upTo = total(to);
        return before == null ? upTo : upTo.after(before);
    }

    /** The first window starting at or after {@code ms}; {@link #size()} when there is none. */
    int firstAtOrAfter(long ms) {
        // Most ranges end after the newest window ("up to now"): no search for that end.
        if (size == 0 || ms > starts[size - 1]) {
            return size;
        }
        if (ms <= starts[0]) {
            return 0;
        }
        // Now starts[0] < ms <= starts[size - 1]. A series' windows mostly follow each other at one window's length:
        // the index where ms falls, guessed from the first and last starts, is then right or next to it, one cache
        // line read instead of the several a binary search reads, for each of tens of thousands of series a query.
        int guess = (int) ((ms - starts[0]) * (size - 1) / (starts[size - 1] - starts[0]));
        int from;
        int to;
        if (starts[guess] >= ms) {
            if (starts[guess - 1] < ms) {
                return guess;
            }
            from = 1;
            to = guess - 1;
        } else {
            if (starts[guess + 1] >= ms) {
                return guess + 1;
            }
            from = guess + 2;
            to = size - 1;
        }
        int i = Arrays.binarySearch(starts, from, to + 1, ms);
        return i >= 0 ? i : -i - 1;
    }

    /** Drops the first {@code count} windows (their running totals stay the base of the later ones). */
    void dropFirst(int count) {
        if (count <= 0) {
            return;
        }
        dropped = total(count - 1);
        System.arraycopy(starts, count, starts, 0, size - count);
        System.arraycopy(totals, count, totals, 0, size - count);
        Arrays.fill(totals, size - count, size, null);
        size -= count;
    }

    private V before(int i) {
        return i == 0 ? dropped : total(i - 1);
    }

    @SuppressWarnings("unchecked")
    private V total(int i) {
        return (V) totals[i];
    }

    private void grow() {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            totals = Arrays.copyOf(totals, size * 2);
        }
    }
}
