package io.tapwire.collector.produce;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;

import io.tapwire.collector.metrics.CollectorMetrics;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends raw records to their topics: Avro in the Confluent wire format, the record's event time as the Kafka
 * timestamp, an idempotent producer (a retry is not a duplicate), compression (zstd at level 1 unless configured) and
 * batching.
 * It never blocks the caller for long: when Kafka is slow or down the producer's bounded buffer fills, and a record
 * that does not fit within {@code max.block.ms} is dropped and counted, so the ring buffers keep draining.
 */
public final class RawProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final KeyBytes keyBytes = new KeyBytes();
    private final Map<TapwireTopic, TapwireAvroSerializer<SpecificRecord>> serializers = new EnumMap<>(TapwireTopic.class);
    private final Map<TapwireTopic, LongAdder> sent = new EnumMap<>(TapwireTopic.class);
    private final java.util.Set<TapwireTopic> metadataKnown = java.util.EnumSet.noneOf(TapwireTopic.class);
    private volatile String lastPrepareError = "";
    private final LongAdder droppedNotReady;
    private final LongAdder droppedFull;
    private final LongAdder droppedSerialization;
    private final LongAdder sendErrors;
    /** One callback for every record: counts the ones Kafka did not acknowledge. */
    private final Callback countErrors;

    public RawProducer(ProducerSettings settings, RegistryClient registry, CollectorMetrics metrics) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
        if (settings.compressionLevel() != null) {
            props.put("compression." + settings.compression() + ".level", settings.compressionLevel());
        }
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) settings.linger().toMillis());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, settings.bufferBytes());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.maxBlock().toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) settings.deliveryTimeout().toMillis());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tapwire-collector");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        for (TapwireTopic topic : TapwireTopic.values()) {
            if (topic.kind() == TapwireTopic.Kind.RAW) {
                @SuppressWarnings("unchecked")
                Class<SpecificRecord> type = (Class<SpecificRecord>) topic.valueClass();
                serializers.put(topic, new TapwireAvroSerializer<>(type, registry, true));
                sent.put(topic, metrics.counter("tapwire_collector_records_sent_total",
                        "Raw records handed to the Kafka producer, by topic", "topic", topic.topicName()));
            }
        }
        String drops = "tapwire_collector_dropped_records_total";
        String dropsHelp = "Raw records dropped in user space, by reason";
        this.droppedFull = metrics.counter(drops, dropsHelp, "reason", "producer_buffer_full");
        this.droppedNotReady = metrics.counter(drops, dropsHelp, "reason", "kafka_or_registry_not_ready");
        this.droppedSerialization = metrics.counter(drops, dropsHelp, "reason", "serialization");
        this.sendErrors = metrics.counter("tapwire_collector_produce_errors_total",
                "Raw records Kafka did not acknowledge within the delivery timeout");
        this.countErrors = (metadata, error) -> {
            if (error != null) {
                sendErrors.increment();
            }
        };
        metrics.gauge("tapwire_collector_producer_buffer_available_bytes", "Free bytes of the producer's buffer",
                () -> metricValue("buffer-available-bytes"));
    }

    /**
     * Makes the producer ready for every raw topic: fetches the topics' metadata and registers their schemas, retrying
     * until {@code timeout}. Until a topic is ready its records are dropped at once (counted) rather than stalling
     * the caller on Kafka or the registry. Returns whether every raw topic is ready; call again to retry.
     */
    public boolean prepare(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean ready;
        do {
            ready = true;
            for (Map.Entry<TapwireTopic, TapwireAvroSerializer<SpecificRecord>> entry : serializers.entrySet()) {
                String topic = entry.getKey().topicName();
                if (entry.getValue().prepared(topic) && metadataKnown.contains(entry.getKey())) {
                    continue;
                }
                try {
                    producer.partitionsFor(topic);
                    metadataKnown.add(entry.getKey());
                    entry.getValue().prepare(topic);
                } catch (RuntimeException e) {
                    ready = false;
                    lastPrepareError = topic + ": " + e.getMessage();
                }
            }
            if (!ready) {
                sleep(100);
            }
        } while (!ready && System.nanoTime() < deadline);
        return ready;
    }

    /** Why the last {@link #prepare} did not finish, for the operator. */
    public String lastPrepareError() {
        return lastPrepareError;
    }

    /** Sends {@code value} keyed by {@code key}; returns false when it was dropped (counted). */
    public boolean send(TapwireTopic topic, String key, SpecificRecord value, long epochNs) {
        return send(topic, null, key, value, epochNs);
    }

    /** Sends to one partition (heartbeats); returns false when it was dropped (counted). */
    public boolean send(TapwireTopic topic, Integer partition, String key, SpecificRecord value, long epochNs) {
        TapwireAvroSerializer<SpecificRecord> serializer = serializers.get(topic);
        if (serializer == null) {
            throw new IllegalArgumentException(topic.topicName() + " is not a raw topic");
        }
        if (!serializer.prepared(topic.topicName()) || !metadataKnown.contains(topic)) {
            droppedNotReady.increment();
            return false;
        }
        byte[] bytes;
        try {
            bytes = serializer.serialize(topic.topicName(), value);
        } catch (RuntimeException e) {
            droppedSerialization.increment();
            return false;
        }
        try {
            producer.send(new ProducerRecord<>(topic.topicName(), partition, epochNs / 1_000_000L, keyBytes.of(key), bytes),
                    countErrors);
        } catch (KafkaException e) {
            // Buffer full or metadata unavailable within max.block.ms: drop rather than stall the ring buffers.
            droppedFull.increment();
            return false;
        }
        sent.get(topic).increment();
        return true;
    }

    /** Partitions of a topic, from the producer's metadata; 0 while the metadata is unavailable. */
    public int partitions(TapwireTopic topic) {
        try {
            return producer.partitionsFor(topic.topicName()).size();
        } catch (KafkaException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void flush() {
        producer.flush();
    }

    private double metricValue(String name) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .findFirst().orElse(Double.NaN);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
