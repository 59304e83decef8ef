package io.tapwire.kafka.registry;

/** This instance may not write (it is not, or no longer, the leader); the write was not made and can go elsewhere. */
final class NotLeaderException extends RuntimeException {
    NotLeaderException(String message) {
        super(message, null, false, false);
    }
}
