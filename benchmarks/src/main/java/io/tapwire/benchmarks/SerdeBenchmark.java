package io.tapwire.benchmarks;

import java.util.concurrent.TimeUnit;

import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.SampleEvents;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wire-format serialization of a raw payload event (an HTTP request head, ~200 bytes of payload) with a warm
 * registry cache, beside plain Avro encoding of the same record: the difference is the serde's own cost
 * (framing, cache lookup, schema resolution). Target: at most 1 µs each way.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SerdeBenchmark {

    private static final String TOPIC = "tapwire.raw.l7.v1";

    private StubRegistry registry;
    private TapwireAvroSerializer<PayloadEvent> serializer;
    private TapwireAvroDeserializer<PayloadEvent> deserializer;
    private AvroCodec<PayloadEvent> codec;
    private PayloadEvent event;
    private byte[] framed;
    private byte[] plain;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        registry = new StubRegistry();
        RegistryClient client = new RegistryClient(RegistryClientConfig.of(registry.url()));
        serializer = new TapwireAvroSerializer<>(PayloadEvent.class, client, true);
        deserializer = new TapwireAvroDeserializer<>(PayloadEvent.class, client);
        codec = AvroCodec.of(PayloadEvent.class);
        event = SampleEvents.httpRequest(42);
        framed = serializer.serialize(TOPIC, event);
        plain = codec.encode(event);
        deserializer.deserialize(TOPIC, framed);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public byte[] serialize() {
        return serializer.serialize(TOPIC, event);
    }

    @Benchmark
    public PayloadEvent deserialize() {
        return deserializer.deserialize(TOPIC, framed);
    }

    @Benchmark
    public byte[] plainAvroEncode() {
        return codec.encode(event);
    }

    @Benchmark
    public PayloadEvent plainAvroDecode() {
        return codec.decode(plain);
    }
}
