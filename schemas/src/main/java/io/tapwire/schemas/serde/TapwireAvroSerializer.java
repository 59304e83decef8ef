package io.tapwire.schemas.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.registry.RegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes a generated record class in the Confluent wire format, subject {@code <topic>-value}
 * (TopicNameStrategy). With {@code auto.register.schemas=true} (the default) the schema is registered on first
 * use; otherwise it must already be registered under the subject. Thread-safe: Kafka Streams shares one
 * instance between its stream threads.
 */
public final class TapwireAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final Class<T> type;
    private final Schema schema;
    private final ThreadLocal<AvroCodec<T>> codecs;
    private final Map<String, Integer> idsByTopic = new ConcurrentHashMap<>();
    /** The wire-format header of each topic's schema id: one lookup per record. */
    private final Map<String, byte[]> headersByTopic = new ConcurrentHashMap<>();
    private RegistryClient registry;
    private boolean autoRegister = true;

    public TapwireAvroSerializer(Class<T> type) {
        this.type = type;
        this.schema = SpecificData.get().getSchema(type);
        this.codecs = ThreadLocal.withInitial(() -> AvroCodec.of(type));
    }

    /** Ready to use without {@link #configure}: for code that builds its registry client itself. */
    public TapwireAvroSerializer(Class<T> type, RegistryClient registry, boolean autoRegister) {
        this(type);
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeSettings.requireValue(isKey, type);
        registry = SerdeSettings.client(configs);
        autoRegister = SerdeSettings.autoRegister(configs);
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        // Header and Avro written into one array: no second copy per record.
        return codecs.get().encode(record, headersByTopic.computeIfAbsent(topic, t -> WireFormat.header(schemaId(t))));
    }

    /**
     * Registers (or looks up) the schema for {@code topic} now, so later records need no registry call; returns
     * its id. Throws the registry's error when it cannot be reached.
     */
    public int prepare(String topic) {
        return schemaId(topic);
    }

    /** Whether the schema id for {@code topic} is known, so serializing makes no HTTP call. */
    public boolean prepared(String topic) {
        return idsByTopic.containsKey(topic);
    }

    private int schemaId(String topic) {
        Integer id = idsByTopic.get(topic);
        if (id == null) {
            if (registry == null) {
                throw new IllegalStateException("serializer of " + type.getSimpleName() + " is not configured: "
                        + "set schema.registry.url");
            }
            String subject = topic + "-value";
            id = autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
            idsByTopic.put(topic, id);
        }
        return id;
    }
}
