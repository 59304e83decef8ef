package io.tapwire.benchmarks;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.collector.produce.Heartbeats;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes a benchmark's raw records as the collector does: the topic's value schema in the wire format (registered
 * on first use), the record's key, its event time as the record timestamp, lz4 batches; and, each time
 * {@link #heartbeats} is called, the collector's own heartbeat record ({@link Heartbeats}) on every partition of
 * every raw topic the topologies read, so that their event-time syncs release what came before.
 */
final class RawEventWriter implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final Map<TapwireTopic, TapwireAvroSerializer<SpecificRecord>> serializers = new EnumMap<>(TapwireTopic.class);
    private final List<TapwireTopic> rawTopics;
    private final int partitions;
    private final NodeIdentity node;
    private int written;

    /**
     * @param rawTopics  the raw topics heartbeats go to: those the topologies read
     * @param partitions the partition count of each raw topic
     */
    RawEventWriter(String bootstrapServers, String registryUrl, List<TapwireTopic> rawTopics, int partitions,
                   NodeIdentity node) {
        this.rawTopics = List.copyOf(rawTopics);
        this.partitions = partitions;
        this.node = node;
        RegistryClient registry = new RegistryClient(RegistryClientConfig.of(registryUrl));
        for (TapwireTopic topic : TapwireTopic.values()) {
            if (topic.kind() == TapwireTopic.Kind.RAW) {
                serializers.put(topic, serializer(topic, registry));
            }
        }
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @SuppressWarnings("unchecked")
    private static TapwireAvroSerializer<SpecificRecord> serializer(TapwireTopic topic, RegistryClient registry) {
        return new TapwireAvroSerializer<>((Class<SpecificRecord>) topic.valueClass(), registry, true);
    }

    /** One raw record, partitioned by its key as the collector's producer does. */
    void send(TapwireTopic topic, String key, SpecificRecord value, long timestampMs) {
        send(topic, null, key, value, timestampMs);
    }

    /**
     * One heartbeat on every partition of every raw topic read, each with its own header from {@code headers}
     * (heartbeats take sequence numbers like any record), by the {@code collector} task.
     */
    void heartbeats(Supplier<RawHeader> headers, TaskContext collector, long timestampMs) {
        for (TapwireTopic topic : rawTopics) {
            String key = Heartbeats.key(topic, node);
            for (int partition = 0; partition < partitions; partition++) {
                send(topic, partition, key, Heartbeats.of(topic, headers.get(), collector), timestampMs);
            }
        }
    }

    private void send(TapwireTopic topic, Integer partition, String key, SpecificRecord value, long timestampMs) {
        String name = topic.topicName();
        byte[] bytes = serializers.get(topic).serialize(name, value);
        producer.send(new ProducerRecord<>(name, partition, timestampMs, key, bytes));
        written++;
    }

    /** Records sent so far, heartbeats included. */
    int written() {
        return written;
    }

    /** Waits until every record sent is written, then closes the producer. */
    @Override
    public void close() {
        producer.flush();
        producer.close();
    }
}
