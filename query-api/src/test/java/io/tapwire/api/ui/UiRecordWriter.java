package io.tapwire.api.ui;

import java.util.HashMap;
import java.util.Map;

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
 * Writes records of any derived topic as the topology does: Confluent wire format through the registry, keyed (so
 * the key picks the partition), with the record's event time as the Kafka timestamp.
 */
final class UiRecordWriter implements AutoCloseable {

    private final RegistryClient registry;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<Class<?>, TapwireAvroSerializer<SpecificRecord>> serializers = new HashMap<>();

    UiRecordWriter(String bootstrapServers, String registryUrl) {
        registry = new RegistryClient(RegistryClientConfig.of(registryUrl));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer());
    }

    @SuppressWarnings("unchecked")
    void send(TapwireTopic topic, String key, SpecificRecord value, long timestampMs) {
        TapwireAvroSerializer<SpecificRecord> serializer = serializers.computeIfAbsent(value.getClass(),
                type -> new TapwireAvroSerializer<>((Class<SpecificRecord>) type, registry, true));
        producer.send(new ProducerRecord<>(topic.topicName(), null, timestampMs, key,
                serializer.serialize(topic.topicName(), value)));
    }

    @Override
    public void close() {
        producer.flush();
        producer.close();
    }
}
