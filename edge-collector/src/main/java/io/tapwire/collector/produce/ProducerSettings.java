package io.tapwire.collector.produce;

import java.time.Duration;
import java.util.Objects;

/**
 * How the collector talks to Kafka.
 *
 * @param bootstrapServers Kafka
 * @param bufferBytes      the producer's bounded buffer; when full, records are dropped and counted
 * @param maxBlock         how long a send may wait for buffer space or metadata before the record is dropped
 * @param deliveryTimeout  how long Kafka may take to acknowledge a record before it counts as a produce error
 */
public record ProducerSettings(String bootstrapServers, long bufferBytes, Duration maxBlock, Duration deliveryTimeout) {

    public ProducerSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bufferBytes < 1024 * 1024) {
            throw new IllegalArgumentException("producer buffer must be at least 1 MiB, was " + bufferBytes);
        }
    }

    public static ProducerSettings defaults(String bootstrapServers) {
        return new ProducerSettings(bootstrapServers, 64L * 1024 * 1024, Duration.ofMillis(50), Duration.ofMinutes(2));
    }
}
