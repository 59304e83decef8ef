package io.tapwire.kafka.registry;

/** The registry server could not start; the message says what to change (topic, broker address, port). */
public final class RegistryStartException extends RuntimeException {
    public RegistryStartException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryStartException(String message) {
        super(message);
    }
}
