package io.tapwire.streams.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.tapwire.schemas.SampleEvents;
import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.keys.DeadLetterKey;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.schemas.serde.TapwireAvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class RawDecodingTest {

    private static final String RAW = "tapwire.raw.l7.v1";
    private static final String DLQ = "tapwire.dlq.v1";

    @Test
    void undecodableRecordsGoToTheDlqWithTheirReasonAndTheStreamGoesOn() throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            RegistryClient client = new RegistryClient(RegistryClientConfig.of(registry.url()));
            TapwireAvroSerde<PayloadEvent> payloads = new TapwireAvroSerde<>(PayloadEvent.class, client, true);
            TapwireAvroSerde<DeadLetter> letters = new TapwireAvroSerde<>(DeadLetter.class, client, true);

            StreamsBuilder builder = new StreamsBuilder();
            RawDecoding.decode(builder.stream(RAW, Consumed.with(Serdes.String(), Serdes.ByteArray())),
                            payloads.deserializer(), DLQ, letters, RAW)
                    .to("decoded", Produced.with(Serdes.String(), payloads));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "decode-test");
            try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
                TestInputTopic<String, byte[]> in = driver.createInputTopic(RAW, Serdes.String().serializer(),
                        Serdes.ByteArray().serializer());
                TestOutputTopic<String, PayloadEvent> decoded = driver.createOutputTopic("decoded",
                        Serdes.String().deserializer(), payloads.deserializer());
                TestOutputTopic<String, DeadLetter> dlq = driver.createOutputTopic(DLQ,
                        Serdes.String().deserializer(), letters.deserializer());

                PayloadEvent first = SampleEvents.httpRequest(1);
                PayloadEvent second = SampleEvents.httpRequest(2);
                Instant t = Instant.parse("2026-11-27T10:00:00Z");
                in.pipeInput("c/n/b/1", payloads.serializer().serialize(RAW, first), t);
                in.pipeInput("c/n/b/1", "not avro at all".getBytes(StandardCharsets.UTF_8), t.plusMillis(1));
                in.pipeInput("c/n/b/1", payloads.serializer().serialize(RAW, second), t.plusMillis(2));

                assertThat(decoded.readValuesToList()).containsExactly(first, second);
                List<TestRecord<String, DeadLetter>> dead = dlq.readRecordsToList();
                assertThat(dead).hasSize(1);
                DeadLetter letter = dead.get(0).value();
                assertThat(dead.get(0).key()).isEqualTo(new DeadLetterKey(RAW, 0, 1).format());
                assertThat(dead.get(0).timestamp()).isEqualTo(t.plusMillis(1).toEpochMilli());
                assertThat(letter.getSourceTopic()).isEqualTo(RAW);
                assertThat(letter.getSourceOffset()).isEqualTo(1);
                assertThat(letter.getReason()).contains("magic byte");
                assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).isEqualTo("not avro at all");
                assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo("c/n/b/1");
                assertThat(letter.getStage()).isEqualTo("decode " + RAW);
                assertThat(KeyValue.pair(letter.getErrorClass(), letter.getSourcePartition()))
                        .isEqualTo(KeyValue.pair("io.tapwire.schemas.serde.UndecodableRecordException", 0));
            }
        }
    }
}
