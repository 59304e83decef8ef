package io.tapwire.streams.dlq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.keys.DeadLetterKey;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The dead letters of every stage: the record as it was read (where from, its key and value bytes, its timestamp),
 * the stage that gave up on it and why, keyed {@code sourceTopic/sourcePartition/sourceOffset}.
 */
public final class DeadLetters {

    private DeadLetters() {
    }

    /**
     * @param source    where the record was read, when the stage knows (a punctuation does not)
     * @param value     the record's value bytes as they were read or as the stage serialises them; null if none
     * @param errorClass the exception that stopped the stage, if one did
     */
    public static Record<String, DeadLetter> of(Optional<RecordMetadata> source, String key, byte[] value,
                                                long timestampMs, String stage, String reason, String errorClass) {
        String topic = source.map(RecordMetadata::topic).orElse("");
        int partition = source.map(RecordMetadata::partition).orElse(-1);
        long offset = source.map(RecordMetadata::offset).orElse(-1L);
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestampMs(timestampMs)
                .setKey(key == null ? null : ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setStage(stage)
                .setReason(reason)
                .setErrorClass(errorClass)
                .build();
        return new Record<>(keyOf(letter), letter, timestampMs);
    }

    public static String keyOf(DeadLetter letter) {
        return new DeadLetterKey(letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset()).format();
    }
}
