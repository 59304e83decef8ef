package io.tapwire.schemas.serde;

import java.util.Map;

import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.AvroDecodeException;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes Confluent wire-format values into a generated record class. The writer's schema is fetched by
 * the id in the value (cached) and resolved into the reader's class, so records written under any older
 * compatible version still read — replays depend on it. Anything that cannot be decoded raises an
 * {@link UndecodableRecordException} with the reason, for the caller to route the record to the DLQ.
 * Thread-safe.
 */
public final class TapwireAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final ThreadLocal<AvroCodec<T>> codecs;
    private RegistryClient registry;

    public TapwireAvroDeserializer(Class<T> type) {
        this.type = type;
        this.codecs = ThreadLocal.withInitial(() -> AvroCodec.of(type));
    }

    public TapwireAvroDeserializer(Class<T> type, RegistryClient registry) {
        this(type);
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeSettings.requireValue(isKey, type);
        registry = SerdeSettings.client(configs);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        String problem = WireFormat.problem(data);
        if (problem != null) {
            throw new UndecodableRecordException(topic, -1, -1, problem, null);
        }
        int id = WireFormat.schemaId(data);
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (RegistryException.SchemaNotFound e) {
            throw new UndecodableRecordException(topic, -1, -1, "unknown schema id " + id + " (not in the registry)", e);
        }
        try {
            return codecs.get().decode(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, writer);
        } catch (AvroDecodeException e) {
            throw new UndecodableRecordException(topic, -1, -1, "value written with schema id " + id + " ("
                    + writer.getFullName() + ") does not decode as " + type.getSimpleName() + ": truncated or corrupt ("
                    + e.getCause().getMessage() + ")", e);
        }
    }

    /** Decodes a record's value, naming its partition and offset if it cannot. */
    public T deserialize(ConsumerRecord<?, byte[]> record) {
        try {
            return deserialize(record.topic(), record.value());
        } catch (UndecodableRecordException e) {
            throw e.at(record.partition(), record.offset());
        }
    }
}
