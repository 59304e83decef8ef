package io.tapwire.schemas.keys;

/** A Kafka key does not have its topic's documented format; the message names the key and the format. */
public final class KeyFormatException extends IllegalArgumentException {
    public KeyFormatException(String message) {
        super(message);
    }
}
