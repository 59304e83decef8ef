package io.tapwire.streams.sync;

/**
 * The heartbeat of a stream whose values have no heartbeat of their own (table changes such as processes or
 * listeners): a record with this key and a null value. It is never part of any output topic.
 */
public final class HeartbeatMarker {

    /** Not a valid key of any Tapwire format: those are printable, percent-encoded text. */
    public static final String KEY = "\u0000heartbeat";

    private HeartbeatMarker() {
    }

    public static boolean is(String key, Object value) {
        return value == null && KEY.equals(key);
    }
}
