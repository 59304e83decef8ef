package io.tapwire.schemas.topics;

/** The topics could not be brought to their configured state; the message says which topic and what to change. */
public final class TopicBootstrapException extends RuntimeException {
    public TopicBootstrapException(String message, Throwable cause) {
        super(message, cause);
    }
}
