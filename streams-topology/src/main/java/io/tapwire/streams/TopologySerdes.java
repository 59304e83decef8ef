package io.tapwire.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.tapwire.schemas.AvroTrust;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serdes of a topology: every record class in the Confluent wire format against one registry client, one
 * serde instance per class (serdes are thread-safe and share the client's caches). Besides the topic contracts
 * this covers the topology's own records ({@code io.tapwire.streams.internal}, generated from
 * {@code src/main/avro/internal}) that only its repartition topics and stores hold.
 *
 * <p>Subjects: a topic the topology publishes ({@link #publishes}) has its contract's subject, {@code <topic>-value}
 * (TopicNameStrategy). Every other topic it writes — its repartitions and changelogs, which only the topology itself
 * reads — shares one subject per record class, {@code <record full name>-value} (as Confluent's
 * RecordNameStrategy, with the serializer's suffix). So the schemas the topology needs are one per class, not one per
 * internal topic (about 45), and {@link #registerSchemas} registers them all before the stream threads start: a
 * registration takes a round trip through the registry's Kafka log (35–55 ms measured here), and the stream thread
 * otherwise waited for each the first time it wrote to a topic. Readers find a record's schema by its id, whatever
 * the subject.
 */
public final class TopologySerdes {

    /** Package of the topology's own generated records. */
    static final String INTERNAL_RECORDS = "io.tapwire.streams.internal.";
    /** Registrations at once in {@link #registerSchemas}. */
    private static final int REGISTRATION_THREADS = 8;

    static {
        // Avro only instantiates trusted classes; AvroTrust covers io.tapwire.schemas, this the internal records.
        AvroTrust.install();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith(INTERNAL_RECORDS)));
    }

    private final RegistryClient registry;
    private final Map<Class<?>, ClassSerde<?>> serdes = new ConcurrentHashMap<>();
    /** The topics published, with the class of their records. */
    private final Map<String, Class<? extends SpecificRecord>> published = new ConcurrentHashMap<>();

    public TopologySerdes(RegistryClient registry) {
        this.registry = registry;
    }

    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> of(Class<T> type) {
        return ((ClassSerde<T>) serdes.computeIfAbsent(type, t -> new ClassSerde<>(type))).serde;
    }

    /** {@code topic} is a contract of {@code type}'s records: they are written under its own subject. */
    public void publishes(String topic, Class<? extends SpecificRecord> type) {
        published.put(topic, type);
        of(type);
    }

    /**
     * Registers (or looks up) the schema of every class asked for so far under its class subject, and of every
     * published topic under the topic's: call it once the topology is built and before it starts, so that no stream
     * thread waits for the registry. Throws the registry's error when it cannot be reached.
     */
    public void registerSchemas() {
        List<Runnable> registrations = new ArrayList<>();
        serdes.values().forEach(serde -> registrations.add(serde::prepareInternal));
        published.forEach((topic, type) -> registrations.add(() -> serdes.get(type).serializer.prepare(topic)));
        ExecutorService pool = Executors.newFixedThreadPool(REGISTRATION_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "tapwire-schema-registration");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture.allOf(registrations.stream().map(r -> CompletableFuture.runAsync(r, pool))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One class's serde: its serializer picks the subject by topic (see the class comment). */
    private final class ClassSerde<T extends SpecificRecord> {
        private final TapwireAvroSerializer<T> serializer;
        /** The topic name whose subject is the class's: {@code <full name>-value}. */
        private final String classTopic;
        private final Serde<T> serde;

        ClassSerde(Class<T> type) {
            this.serializer = new TapwireAvroSerializer<>(type, registry, true);
            this.classTopic = type.getName();
            Serializer<T> bySubject = (topic, record) ->
                    serializer.serialize(published.containsKey(topic) ? topic : classTopic, record);
            this.serde = Serdes.serdeFrom(bySubject, new TapwireAvroDeserializer<>(type, registry));
        }

        void prepareInternal() {
            serializer.prepare(classTopic);
        }
    }
}
