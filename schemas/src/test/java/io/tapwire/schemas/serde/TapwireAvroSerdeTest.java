package io.tapwire.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

import io.tapwire.schemas.AvroCodec;
import io.tapwire.schemas.SampleEvents;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TapwireAvroSerdeTest {

    private static final String TOPIC = "tapwire.raw.l7.v1";

    private StubRegistry registry;
    private TapwireAvroSerde<PayloadEvent> serde;

    @BeforeEach
    void start() throws Exception {
        registry = new StubRegistry();
        serde = new TapwireAvroSerde<>(PayloadEvent.class, new RegistryClient(RegistryClientConfig.of(registry.url())), true);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void framesTheAvroBytesWithMagicByteAndBigEndianSchemaId() {
        registry.add(Schema.create(Schema.Type.STRING));   // so the record's id is not 1
        PayloadEvent event = SampleEvents.httpRequest(7);

        byte[] bytes = serde.serializer().serialize(TOPIC, event);

        int id = registry.add(PayloadEvent.getClassSchema());
        assertThat(id).isEqualTo(2);
        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 0, 2);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(AvroCodec.of(PayloadEvent.class).encode(event));
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
    }

    @Test
    void theHotPathMakesNoHttpCallAfterTheFirstRecord() {
        TapwireAvroDeserializer<PayloadEvent> reader =
                new TapwireAvroDeserializer<>(PayloadEvent.class, new RegistryClient(RegistryClientConfig.of(registry.url())));
        for (int i = 0; i < 1000; i++) {
            PayloadEvent event = SampleEvents.httpRequest(i);
            assertThat(reader.deserialize(TOPIC, serde.serializer().serialize(TOPIC, event))).isEqualTo(event);
        }
        assertThat(registry.requests()).as("one registration, one fetch by id").isEqualTo(2);
    }

    @Test
    void badBytesAreRejectedWithTheReasonTopicPartitionAndOffset() {
        byte[] good = serde.serializer().serialize(TOPIC, SampleEvents.httpRequest(1));
        TapwireAvroDeserializer<PayloadEvent> reader = serde.deserializer();

        assertThatThrownBy(() -> reader.deserialize(TOPIC, new byte[] {0, 0, 1}))
                .isInstanceOf(UndecodableRecordException.class).hasMessageContaining("too short");
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        assertThatThrownBy(() -> reader.deserialize(TOPIC, wrongMagic)).hasMessageContaining("magic byte 0x01");
        byte[] unknownId = good.clone();
        unknownId[4] = 99;
        assertThatThrownBy(() -> reader.deserialize(TOPIC, unknownId)).hasMessageContaining("unknown schema id 99");
        assertThatThrownBy(() -> reader.deserialize(TOPIC, Arrays.copyOf(good, good.length - 20)))
                .hasMessageContaining("truncated or corrupt");
        assertThatThrownBy(() -> reader.deserialize(TOPIC, Arrays.copyOf(good, good.length + 3)))
                .hasMessageContaining("left over");

        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(TOPIC, 3, 42L, "k", wrongMagic);
        assertThatThrownBy(() -> reader.deserialize(record))
                .isInstanceOfSatisfying(UndecodableRecordException.class, e -> {
                    assertThat(e.partition()).isEqualTo(3);
                    assertThat(e.offset()).isEqualTo(42L);
                    assertThat(e.reason()).contains("magic byte");
                })
                .hasMessageContaining(TOPIC + " partition 3 offset 42");
    }

    @Test
    void bytesWrittenWithAnOlderSchemaVersionReadIntoTheCurrentClass() throws Exception {
        // Version 1 of the payload schema had none of iovecTruncated, copyFailed and redactedBytes (all added with defaults).
        Schema v1 = withoutFields(PayloadEvent.getClassSchema(), "iovecTruncated", "copyFailed", "redactedBytes");
        PayloadEvent current = SampleEvents.httpRequest(3);
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field field : v1.getFields()) {
            old.put(field.name(), current.get(field.name()));
        }
        byte[] framed = WireFormat.frame(registry.add(v1), encode(v1, old));

        PayloadEvent read = serde.deserializer().deserialize(TOPIC, framed);

        assertThat(read.getIovecTruncated()).isFalse();
        assertThat(read.getRedactedBytes()).isZero();
        assertThat(read.getCopyFailed()).isFalse();
        assertThat(read.getHead()).isEqualTo(ByteBuffer.wrap(current.getHead().array()));
        assertThat(read.getTcpSeq()).isEqualTo(3_141_592_653L);
    }

    @Test
    void keysAreNotAvro() {
        assertThatThrownBy(() -> new TapwireAvroSerde<>(PayloadEvent.class)
                .configure(Map.of(RegistryClientConfig.URL, registry.url()), true))
                .hasMessageContaining("keys are plain strings");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaIsAnError() {
        TapwireAvroSerializer<PayloadEvent> strict = new TapwireAvroSerializer<>(PayloadEvent.class,
                new RegistryClient(RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, registry.url(),
                        RegistryClientConfig.RETRIES, "0"))), false);
        assertThatThrownBy(() -> strict.serialize(TOPIC, SampleEvents.httpRequest(1)))
                .hasMessageContaining("error_code");
    }

    private static Schema withoutFields(Schema schema, String... names) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(schema.toString());
            var fields = (com.fasterxml.jackson.databind.node.ArrayNode) tree.get("fields");
            for (int i = fields.size() - 1; i >= 0; i--) {
                if (Arrays.asList(names).contains(fields.get(i).get("name").asText())) {
                    fields.remove(i);
                }
            }
            return new Schema.Parser().parse(tree.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
