package io.tapwire.schemas;

/** Bytes that do not decode as the expected record: truncated, corrupt, or written with an unrelated schema. */
public final class AvroDecodeException extends RuntimeException {
    public AvroDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
