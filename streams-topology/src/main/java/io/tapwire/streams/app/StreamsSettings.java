package io.tapwire.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Typed, validated settings of the topology application, read from properties (a file, {@code -D} system
 * properties, or {@code TAPWIRE_*} environment variables). Every setting:
 *
 * <pre>
 * tapwire.kafka.bootstrap-servers      Kafka (default 127.0.0.1:9092)
 * tapwire.registry.url                 schema registry base URL(s) (default http://127.0.0.1:8081)
 * tapwire.streams.application-id       Kafka Streams application id (default tapwire-topology); a replay beside the
 *                                      live topology uses another id and other output topic names
 * tapwire.streams.state-dir            local state (default data/streams)
 * tapwire.streams.threads              stream threads (default 1)
 * tapwire.streams.replication-factor   of internal topics (default -1: the broker's default)
 * tapwire.streams.dedup-retention      how long (event time) a raw record's name is remembered (default PT10M)
 * tapwire.streams.process-exit-grace   how long an exited process stays in tapwire.processes.v1 (default PT30S)
 * tapwire.streams.topic.&lt;name&gt;=&lt;actual&gt;  read or write another topic in place of a Tapwire topic
 * </pre>
 * Durations are ISO-8601 (PT10M) or a number with a unit (10m, 30s, 500ms).
 */
public record StreamsSettings(String bootstrapServers, String registryUrl, String applicationId, Path stateDir,
                              int threads, int replicationFactor, Duration dedupRetention, Duration processExitGrace,
                              Map<String, String> topicNames) {

    public static final String PREFIX = "tapwire.streams.";

    public static StreamsSettings fromProperties(Properties props) {
        Map<String, String> topics = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(PREFIX + "topic.")) {
                String topic = name.substring((PREFIX + "topic.").length());
                if (TapwireTopic.byName(topic).isEmpty()) {
                    throw new IllegalArgumentException("unknown topic in " + name + ": expected a Tapwire topic name");
                }
                topics.put(topic, props.getProperty(name).trim());
            }
        }
        return new StreamsSettings(
                props.getProperty("tapwire.kafka.bootstrap-servers", "127.0.0.1:9092"),
                props.getProperty("tapwire.registry.url", "http://127.0.0.1:8081"),
                props.getProperty(PREFIX + "application-id", "tapwire-topology"),
                Path.of(props.getProperty(PREFIX + "state-dir", "data/streams")),
                positive(props, PREFIX + "threads", 1),
                integer(props, PREFIX + "replication-factor", -1),
                duration(props, PREFIX + "dedup-retention", Duration.ofMinutes(10)),
                duration(props, PREFIX + "process-exit-grace", Duration.ofSeconds(30)),
                topics);
    }

    /** The name to use for a Tapwire topic: its own unless overridden. */
    public String topic(TapwireTopic topic) {
        return topicNames.getOrDefault(topic.topicName(), topic.topicName());
    }

    /** Kafka Streams configuration: exactly-once, so every consumer of the outputs may read committed only. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }

    private static int integer(Properties props, String name, int defaultValue) {
        String value = props.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
        }
    }

    private static int positive(Properties props, String name, int defaultValue) {
        int value = integer(props, name, defaultValue);
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
        return value;
    }

    static Duration duration(Properties props, String name, Duration defaultValue) {
        String value = props.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            switch (v.charAt(v.length() - 1)) {
                case 's': return Duration.ofSeconds(amount);
                case 'm': return Duration.ofMinutes(amount);
                case 'h': return Duration.ofHours(amount);
                case 'd': return Duration.ofDays(amount);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a duration such as 30s, 10m or PT10M, was '" + value + "'");
    }
}
