package io.tapwire.streams.window;

import java.time.Instant;
import java.util.Optional;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.streams.dlq.DeadLetters;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The dead letter of a record whose window had already closed when it came: routed to the DLQ as a
 * {@link DeadLetter} (stage, reason, the record's bytes and its position), where Kafka Streams would drop it with only
 * a metric. The steps that count windows ({@link PartialAggregator}, and the windows' own aggregates after a restart)
 * decide lateness by their own time and make their dead letters here.
 */
public final class LateRecordGate {

    private LateRecordGate() {
    }

    /**
     * The dead letter of {@code record}, whose window was closed at {@code streamTimeMs}, for the aggregate named
     * {@code stage}: keyed {@code topic/partition/offset} of its {@code source}, at the record's own time.
     */
    public static <V> Record<String, DeadLetter> deadLetter(Optional<RecordMetadata> source, Record<String, V> record,
                                                            String stage, TumblingWindows windows, long streamTimeMs,
                                                            Serializer<V> serializer) {
        return deadLetter(source, record, windows.startOf(record.timestamp()), stage, windows, streamTimeMs, serializer);
    }

    /**
     * As above, for a record that stands for the window starting at {@code start} whatever its timestamp (a partial
     * aggregate, stamped when it was sent).
     */
    public static <V> Record<String, DeadLetter> deadLetter(Optional<RecordMetadata> source, Record<String, V> record,
                                                            long start, String stage, TumblingWindows windows,
                                                            long streamTimeMs, Serializer<V> serializer) {
        String topic = source.map(RecordMetadata::topic).orElse("");
        return DeadLetters.of(source, record.key(), serializer.serialize(topic, record.value()), record.timestamp(),
                "late for window " + stage,
                "event time " + Instant.ofEpochMilli(record.timestamp()) + ", window ["
                        + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(windows.endOf(start))
                        + "), closed since stream time passed its end plus the grace of " + windows.grace()
                        + " (stream time " + Instant.ofEpochMilli(streamTimeMs) + "); a longer grace keeps such records",
                null);
    }
}
