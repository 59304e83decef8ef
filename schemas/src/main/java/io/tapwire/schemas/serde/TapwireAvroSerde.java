package io.tapwire.schemas.serde;

import java.util.Map;

import io.tapwire.schemas.registry.RegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The Kafka Streams serde of a generated record class in the Confluent wire format. */
public final class TapwireAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final TapwireAvroSerializer<T> serializer;
    private final TapwireAvroDeserializer<T> deserializer;

    public TapwireAvroSerde(Class<T> type) {
        this.serializer = new TapwireAvroSerializer<>(type);
        this.deserializer = new TapwireAvroDeserializer<>(type);
    }

    public TapwireAvroSerde(Class<T> type, RegistryClient registry, boolean autoRegister) {
        this.serializer = new TapwireAvroSerializer<>(type, registry, autoRegister);
        this.deserializer = new TapwireAvroDeserializer<>(type, registry);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public TapwireAvroDeserializer<T> deserializer() {
        return deserializer;
    }
}
