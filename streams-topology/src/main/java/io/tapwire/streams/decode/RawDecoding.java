package io.tapwire.streams.decode;

import java.util.Optional;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.streams.Select;
import io.tapwire.streams.dlq.DeadLetters;
import io.tapwire.schemas.serde.UndecodableRecordException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The first step after every raw topic: decodes the wire-format bytes, and sends what does not decode to the
 * DLQ topic with its reason, its bytes and its source position, while the stream goes on. Kafka Streams' own
 * deserialization handlers could only log or drop such a record; here the dead letter is written in the same
 * (exactly-once) transaction as everything else.
 */
public final class RawDecoding {

    private RawDecoding() {
    }

    /**
     * Returns the decoded records of {@code raw}; undecodable ones go to {@code dlqTopic} as {@link DeadLetter}s
     * keyed by {@code sourceTopic/partition/offset}, with the source record's timestamp. {@code name} (the raw
     * topic's) names the step.
     */
    public static <V> KStream<String, V> decode(KStream<String, byte[]> raw, Deserializer<V> deserializer,
                                                String dlqTopic, Serde<DeadLetter> dlqSerde, String name) {
        KStream<String, Decoded<V>> decoded = raw.processValues(() -> new DecodingProcessor<>(deserializer));
        decoded.filter((key, result) -> !result.ok())
                .map((key, result) -> org.apache.kafka.streams.KeyValue.pair(deadLetterKey(result.deadLetter()),
                        result.deadLetter()))
                .to(dlqTopic, Produced.with(Serdes.String(), dlqSerde));
        // One processor, not a filter and a mapValues: this runs for every raw record.
        return Select.of(decoded, (key, result) -> result.ok(), Decoded::value, "decoded-" + name);
    }

    private static String deadLetterKey(DeadLetter letter) {
        return DeadLetters.keyOf(letter);
    }

    private static final class DecodingProcessor<V> implements FixedKeyProcessor<String, byte[], Decoded<V>> {
        private final Deserializer<V> deserializer;
        private FixedKeyProcessorContext<String, Decoded<V>> context;

        DecodingProcessor(Deserializer<V> deserializer) {
            this.deserializer = deserializer;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Decoded<V>> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            Optional<RecordMetadata> source = context.recordMetadata();
            String topic = source.map(RecordMetadata::topic).orElse("");
            if (record.value() == null) {
                context.forward(record.withValue(new Decoded<>(null, deadLetter(record, source,
                        "null value: raw topics carry no tombstones", null))));
                return;
            }
            try {
                context.forward(record.withValue(new Decoded<>(deserializer.deserialize(topic, record.value()), null)));
            } catch (UndecodableRecordException e) {
                context.forward(record.withValue(new Decoded<>(null, deadLetter(record, source, e.reason(), e))));
            } catch (RuntimeException e) {
                context.forward(record.withValue(new Decoded<>(null, deadLetter(record, source,
                        "cannot decode: " + e.getMessage(), e))));
            }
        }

        private static DeadLetter deadLetter(FixedKeyRecord<String, byte[]> record, Optional<RecordMetadata> source,
                                             String reason, Exception error) {
            return DeadLetters.of(source, record.key(), record.value(), record.timestamp(),
                    "decode " + source.map(RecordMetadata::topic).orElse("?"), reason,
                    error == null ? null : error.getClass().getName()).value();
        }
    }
}
