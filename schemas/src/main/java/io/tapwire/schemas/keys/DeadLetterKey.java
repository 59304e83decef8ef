package io.tapwire.schemas.keys;

import java.util.Objects;

/** Key of {@code tapwire.dlq.v1}: {@code sourceTopic/sourcePartition/sourceOffset}. */
public record DeadLetterKey(String sourceTopic, int sourcePartition, long sourceOffset) {

    public static final String FORMAT = "sourceTopic/sourcePartition/sourceOffset";

    public DeadLetterKey {
        Objects.requireNonNull(sourceTopic, "sourceTopic");
    }

    public String format() {
        return KeyCodec.join(sourceTopic, Integer.toString(sourcePartition), Long.toString(sourceOffset));
    }

    public static DeadLetterKey parse(String key) {
        String[] p = KeyCodec.split(key, 3, FORMAT);
        return new DeadLetterKey(p[0], KeyCodec.parseInt(p[1], "sourcePartition", key),
                KeyCodec.parseLong(p[2], "sourceOffset", key));
    }

    @Override
    public String toString() {
        return format();
    }
}
