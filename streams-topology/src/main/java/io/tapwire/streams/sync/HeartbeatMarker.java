package io.tapwire.streams.sync;

import java.util.function.Predicate;

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

    /** A heartbeat of a stream whose own heartbeats {@code heartbeat} tells: one of those, or this marker. */
    public static <V> boolean isHeartbeat(Predicate<V> heartbeat, String key, V value) {
        return value == null ? KEY.equals(key) : heartbeat.test(value);
    }
}
