package io.tapwire.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.tapwire.schemas.AvroTrust;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The serdes of a topology: every record class in the Confluent wire format against one registry client, one
 * serde instance per class (serdes are thread-safe and share the client's caches). Besides the topic contracts
 * this covers the topology's own records ({@code io.tapwire.streams.internal}, generated from
 * {@code src/main/avro/internal}) that only its repartition topics and stores hold.
 */
public final class TopologySerdes {

    /** Package of the topology's own generated records. */
    static final String INTERNAL_RECORDS = "io.tapwire.streams.internal.";

    static {
        // Avro only instantiates trusted classes; AvroTrust covers io.tapwire.schemas, this the internal records.
        AvroTrust.install();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith(INTERNAL_RECORDS)));
    }

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
