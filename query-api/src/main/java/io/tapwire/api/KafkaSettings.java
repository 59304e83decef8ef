package io.tapwire.api;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the API finds the Kafka cluster that holds the Tapwire topics. Every key can also be set as an environment
 * variable ({@code TAPWIRE_KAFKA_BOOTSTRAP_SERVERS}, {@code TAPWIRE_KAFKA_REQUEST_TIMEOUT}).
 */
@ConfigMapping(prefix = "tapwire.kafka")
public interface KafkaSettings {

    /** The setting's full name, for error messages that tell the user what to change. */
    String BOOTSTRAP_SERVERS = "tapwire.kafka.bootstrap-servers";

    /** Comma-separated {@code host:port} list, as Kafka's {@code bootstrap.servers}. */
    @WithDefault("127.0.0.1:9092")
    String bootstrapServers();

    /**
     * How long one look at the cluster (readiness, topic listing) may take before Kafka counts as unreachable. Kept
     * short: a readiness probe that hangs is worse than one that says DOWN.
     */
    @WithDefault("2s")
    Duration requestTimeout();
}
