package io.tapwire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaRoundTripTest {

    @ParameterizedTest
    @EnumSource(TapwireTopic.class)
    void everyValueRoundTripsThroughItsGeneratedClass(TapwireTopic topic) throws IOException {
        Schema schema = topic.valueSchema();
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) topic.valueClass();
        AvroCodec<SpecificRecord> codec = AvroCodec.of(type);
        for (long seed = 1; seed <= 20; seed++) {
            byte[] written = encodeGeneric(schema, SampleRecords.sample(schema, new Random(seed)));

            SpecificRecord decoded = codec.decode(written);
            assertThat(decoded).isInstanceOf(type);
            assertThat(codec.encode(decoded)).as("re-encoded %s, seed %d", topic, seed).isEqualTo(written);
            assertThat(codec.decode(codec.encode(decoded))).isEqualTo(decoded);
        }
    }

    @ParameterizedTest
    @EnumSource(TapwireTopic.class)
    void everyFieldIsDocumented(TapwireTopic topic) {
        List<String> undocumented = new ArrayList<>();
        collectUndocumented(topic.valueSchema(), new HashSet<>(), undocumented);
        assertThat(undocumented).as("fields without a doc in %s", topic.topicName()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = TapwireTopic.class, names = "RAW_.*", mode = EnumSource.Mode.MATCH_ANY)
    void everyRawRecordCarriesIdentityTimeAndTask(TapwireTopic topic) {
        Schema schema = topic.valueSchema();
        assertThat(fieldNames(schema.getField("header").schema()))
                .contains("cluster", "node", "bootId", "seq", "kernelTimeNs", "epochTimeNs", "heartbeat");
        assertThat(fieldNames(schema.getField("task").schema()))
                .contains("pid", "tid", "comm", "cgroupId", "netnsInode");
    }

    @ParameterizedTest
    @EnumSource(value = TapwireTopic.class, names = {"RAW_TCP", "RAW_L7"})
    void connectionEventsCarryTheConnectionRoleAndFourTuple(TapwireTopic topic) {
        Schema schema = topic.valueSchema();
        assertThat(fieldNames(schema)).contains("socketInode", "role", "tuple");
        assertThat(fieldNames(schema.getField("tuple").schema()))
                .contains("localAddress", "localPort", "remoteAddress", "remotePort");
    }

    @org.junit.jupiter.api.Test
    void payloadEventsCarryWhatTheParsersNeed() {
        assertThat(fieldNames(TapwireTopic.RAW_L7.valueSchema())).contains("direction", "streamOffset", "byteCount",
                "head", "headTruncated", "tail", "iovecTruncated", "protocolHint", "tcpSeq", "syscallStartNs");
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }

    private static void collectUndocumented(Schema schema, Set<String> seen, List<String> out) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                for (Schema.Field field : schema.getFields()) {
                    if (field.doc() == null || field.doc().isBlank()) {
                        out.add(schema.getName() + "." + field.name());
                    }
                    collectUndocumented(field.schema(), seen, out);
                }
            }
            case ARRAY -> collectUndocumented(schema.getElementType(), seen, out);
            case MAP -> collectUndocumented(schema.getValueType(), seen, out);
            case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, seen, out));
            default -> { }
        }
    }

    private static byte[] encodeGeneric(Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
