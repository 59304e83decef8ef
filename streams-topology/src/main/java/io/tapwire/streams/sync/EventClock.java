package io.tapwire.streams.sync;

/**
 * Time as the records a processor has been given say, for processors behind an {@link EventTimeSync}: the task's
 * own stream time ({@code currentStreamTimeMs}, STREAM_TIME punctuations) runs ahead of them, because it counts
 * records still held in the sync's buffer. {@link #advance} is called with every record (heartbeats included)
 * and says when a periodic action is due, as a STREAM_TIME punctuation would.
 */
public final class EventClock {

    private final long intervalMs;
    private long timeMs = Long.MIN_VALUE;
    private long nextTickMs = Long.MIN_VALUE;

    public EventClock(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** The largest timestamp seen; {@link Long#MIN_VALUE} before the first record. */
    public long timeMs() {
        return timeMs;
    }

    /**
     * Moves time to {@code timestampMs} if later. True when the periodic action is due, the first time and then
     * each time at least one interval has passed since it last was. In memory: after a restart the first record
     * makes it due, as Kafka Streams' own punctuations would.
     */
    public boolean advance(long timestampMs) {
        if (timestampMs > timeMs) {
            timeMs = timestampMs;
        }
        if (nextTickMs == Long.MIN_VALUE || timeMs >= nextTickMs) {
            nextTickMs = timeMs + intervalMs;
            return true;
        }
        return false;
    }
}
