package io.tapwire.streams.window;

/**
 * What a {@link PartialAggregator} needs to know of the records it adds up and of the partials it makes of them.
 *
 * @param <V> the records counted
 * @param <P> a partial: the records of one series and window, added up (a mutable Avro record)
 */
public interface PartialRules<V, P> {

    /** The series a record counts in: the key its partials are sent under. */
    String seriesKey(V record);

    /** A partial for the record's series and the window starting at {@code windowStartMs}, with nothing added yet. */
    P open(V record, long windowStartMs);

    /** The start of the window a partial was opened for. */
    long windowStart(P partial);

    /** Adds the record to its series' partial. */
    void add(P partial, V record);

    /** Whether the record is the heartbeat of its stream (time passes; nothing is counted). */
    boolean isHeartbeat(String key, V record);
}
