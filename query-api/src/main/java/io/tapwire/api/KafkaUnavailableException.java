package io.tapwire.api;

/** The Kafka cluster did not answer in time, or refused the request; the message names the bootstrap servers. */
public final class KafkaUnavailableException extends RuntimeException {

    private final String bootstrapServers;

    public KafkaUnavailableException(String bootstrapServers, String reason, Throwable cause) {
        super("Kafka at " + bootstrapServers + " (" + KafkaSettings.BOOTSTRAP_SERVERS + ") is not available: " + reason,
                cause);
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }
}
