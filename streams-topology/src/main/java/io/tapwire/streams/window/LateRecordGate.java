package io.tapwire.streams.window;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.streams.dlq.DeadLetters;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The step before a windowed aggregate: a record whose window has already closed at the task's stream time is
 * routed to the DLQ as a {@link DeadLetter} (stage, reason, the record's bytes and its position), where Kafka
 * Streams would drop it with only a metric. It must sit right before the aggregate, behind the same
 * {@link io.tapwire.streams.sync.EventTimeSync}, so both count time by the same records: the latest timestamp
 * they were given (the task's own stream time would count records the sync still holds).
 */
public final class LateRecordGate {

    private LateRecordGate() {
    }

    /** Records still on time, and dead letters (keyed {@code topic/partition/offset}) for the rest. */
    public record Outputs<V>(KStream<String, V> onTime, KStream<String, DeadLetter> tooLate) {
    }

    /**
     * Splits {@code stream} before the aggregate named {@code stage}; heartbeats are never late.
     *
     * @param serializer writes a late record's value into its dead letter
     */
    @SuppressWarnings("unchecked")
    public static <V> Outputs<V> split(KStream<String, V> stream, String stage, TumblingWindows windows,
                                       Serializer<V> serializer, Predicate<V> heartbeat) {
        KStream<String, Object> gated = stream.process(() -> new Gate<>(stage, windows, serializer, heartbeat),
                Named.as(stage + "-late-record-gate"));
        return new Outputs<>(
                gated.filter((key, value) -> !(value instanceof DeadLetter), Named.as(stage + "-on-time"))
                        .mapValues(value -> (V) value, Named.as(stage + "-on-time-values")),
                gated.filter((key, value) -> value instanceof DeadLetter, Named.as(stage + "-too-late"))
                        .mapValues(value -> (DeadLetter) value, Named.as(stage + "-dead-letters")));
    }

    /**
     * The dead letter of {@code record}, whose window was closed at {@code streamTimeMs}, for the aggregate named
     * {@code stage}: keyed {@code topic/partition/offset} of its {@code source}, at the record's own time. For the
     * gate, and for an aggregate that keeps its time across restarts and so may find a record too late that the
     * gate, whose time starts again, let through.
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

    private static final class Gate<V> implements Processor<String, V, String, Object> {
        private final String stage;
        private final TumblingWindows windows;
        private final Serializer<V> serializer;
        private final Predicate<V> heartbeat;
        private ProcessorContext<String, Object> context;
        /** In memory: after a restart, time starts again at the first record released. */
        private long streamTime = Long.MIN_VALUE;

        Gate(String stage, TumblingWindows windows, Serializer<V> serializer, Predicate<V> heartbeat) {
            this.stage = stage;
            this.windows = windows;
            this.serializer = serializer;
            this.heartbeat = heartbeat;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, V> record) {
            streamTime = Math.max(streamTime, record.timestamp());
            long start = windows.startOf(record.timestamp());
            if (record.value() == null || heartbeat.test(record.value()) || !windows.isClosed(start, streamTime)) {
                context.forward(record.withValue((Object) record.value()));
                return;
            }
            context.forward(deadLetter(context.recordMetadata(), record, stage, windows, streamTime, serializer));
        }
    }
}
