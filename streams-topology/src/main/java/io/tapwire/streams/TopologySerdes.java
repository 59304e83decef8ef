package io.tapwire.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroSerde;
import org.apache.avro.specific.SpecificRecord;

/**
 * The serdes of a topology: every record class in the Confluent wire format against one registry client, one
 * serde instance per class (serdes are thread-safe and share the client's caches).
 */
public final class TopologySerdes {

    private final RegistryClient registry;
    private final Map<Class<?>, TapwireAvroSerde<?>> serdes = new ConcurrentHashMap<>();

    public TopologySerdes(RegistryClient registry) {
        this.registry = registry;
    }

    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> TapwireAvroSerde<T> of(Class<T> type) {
        return (TapwireAvroSerde<T>) serdes.computeIfAbsent(type, t -> new TapwireAvroSerde<>(type, registry, true));
    }
}
