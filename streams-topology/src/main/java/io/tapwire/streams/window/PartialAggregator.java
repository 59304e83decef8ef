package io.tapwire.streams.window;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.streams.Select;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first step of a windowed aggregation, in the task where its records are: instead of one repartition record per
 * record, one partial per series and window goes to the series' task, which adds the partials up. It is also the
 * late-record gate: a record whose window has closed by this step's time becomes a dead letter (stage {@code stage})
 * and is not counted.
 *
 * <p>Output: the partials, keyed by series, as {@code P}; a {@link HeartbeatMarker} for every heartbeat of the input,
 * so that time passes on through the repartition to the series' task; the dead letters.
 *
 * <p>Time is the largest timestamp this step was given, heartbeats included; the records come in an order that an
 * event-time sync upstream fixed, so the gate decides as a replay would. The partials gathered so far are sent, each
 * stamped with the time before the record that sends them, whenever time enters a new update interval
 * ({@link TumblingWindows#updateInterval}, a second by default) and whenever it reaches the close of a window that has
 * a partial. So a partial is stamped before its window's close and after every record this step sent before it: the
 * series' task, which releases records in event-time order, always finds its window open, and its final records add
 * up exactly the records let through here.
 *
 * <p>The partials and the time are in stores ({@link io.tapwire.streams.store.CommitTimeStore}: objects between
 * commits), so a restart goes on where the last commit left off.
 *
 * @param <V> the records counted
 * @param <P> the partials
 */
public final class PartialAggregator<V, P> implements Processor<String, V, String, Object> {

    /** A partials' step's two outputs: the partials keyed by series, with heartbeat markers; the too-late records. */
    public record Outputs<P>(KStream<String, P> partials, KStream<String, DeadLetter> tooLate) {
    }

    /**
     * Adds the partials' step named {@code name} after {@code records}, with its stores {@code name} and
     * {@code name-clock}.
     *
     * @param stage        names the aggregation in dead letters
     * @param partialType  the partials' class
     * @param partialSerde how the stores keep partials
     * @param serializer   writes a late record into its dead letter
     */
    public static <V, P> Outputs<P> build(StreamsBuilder builder, KStream<String, V> records, String name, String stage,
                                          TumblingWindows windows, PartialRules<V, P> rules,
                                          Class<P> partialType, Serde<P> partialSerde,
                                          Serializer<V> serializer) {
        // A busy series' partial changes with every record: an object between commits, written once at each.
        builder.addStateStore(CommitTimeStore.builder(name, Serdes.String(), partialSerde));
        builder.addStateStore(CommitTimeStore.builder(name + "-clock", Serdes.String(), Serdes.Long()));
        KStream<String, Object> counted = records.process(() -> new PartialAggregator<>(windows, stage, name,
                name + "-clock", rules, serializer), Named.as(name), name, name + "-clock");
        KStream<String, P> partials = Select.ofType(counted, partialType, true, name + "-out");
        KStream<String, DeadLetter> tooLate = Select.ofType(counted, DeadLetter.class, false, name + "-too-late");
        return new Outputs<>(partials, tooLate);
    }

    /** The clock store's one key. */
    static final String TIME_KEY = "time";

    private final TumblingWindows windows;
    private final String stage;
    private final String partialsStore;
    private final String clockStore;
    private final PartialRules<V, P> rules;
    private final Serializer<V> serializer;
    /** The close (end plus grace) of the earliest window with a partial; {@link Long#MAX_VALUE} if none. */
    private long earliestCloseMs = Long.MAX_VALUE;
    private long timeMs = Long.MIN_VALUE;
    private ProcessorContext<String, Object> context;
    /** By window key ({@link WindowKeys#windowKey}). */
    private PendingPartials<P> partials;
    private KeyValueStore<String, Long> clock;

    /**
     * @param stage       names the aggregation in dead letters
     * @param serializer  writes a late record into its dead letter
     */
    public PartialAggregator(TumblingWindows windows, String stage, String partialsStore, String clockStore,
                             PartialRules<V, P> rules, Serializer<V> serializer) {
        this.windows = windows;
        this.stage = stage;
        this.partialsStore = partialsStore;
        this.clockStore = clockStore;
        this.rules = rules;
        this.serializer = serializer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.partials = new PendingPartials<>(context.getStateStore(partialsStore), windows.updateIntervalMs());
        this.clock = context.getStateStore(clockStore);
        Long stored = clock.get(TIME_KEY);
        if (stored != null) {
            timeMs = stored;
        }
        for (String key : partials.keys()) {
            earliestCloseMs = Math.min(earliestCloseMs, closeOf(rules.windowStart(partials.get(key))));
        }
    }

    @Override
    public void process(Record<String, V> record) {
        long timestamp = record.timestamp();
        if (timestamp > timeMs) {
            if (!partials.isEmpty() && (timestamp >= earliestCloseMs || partials.entersNewInterval(timeMs, timestamp))) {
                sendPartials();
            }
            timeMs = timestamp;
            clock.put(TIME_KEY, timeMs);
        }
        if (rules.isHeartbeat(record.key(), record.value())) {
            context.forward(new Record<>(HeartbeatMarker.KEY, null, timestamp));
            return;
        }
        long start = windows.startOf(timestamp);
        if (windows.isClosed(start, timeMs)) {
            context.forward(LateRecordGate.deadLetter(context.recordMetadata(), record, stage, windows, timeMs, serializer));
            return;
        }
        add(rules.seriesKey(record.value()), record.value(), start);
    }

    private void add(String seriesKey, V record, long start) {
        String key = WindowKeys.windowKey(start, seriesKey);
        P partial = partials.get(key);
        if (partial == null) {
            partial = rules.open(record, start);
            partials.open(key, partial);
            earliestCloseMs = Math.min(earliestCloseMs, closeOf(start));
        }
        rules.add(partial, record);
        partials.put(key, partial);
    }

    /** Every partial, keyed by series, at the time before the record being processed; then none is pending. */
    private void sendPartials() {
        earliestCloseMs = Long.MAX_VALUE;
        partials.sendAll((key, partial) -> context.forward(new Record<>(WindowKeys.seriesKeyOf(key), partial, timeMs)));
    }

    private long closeOf(long windowStartMs) {
        return windows.endOf(windowStartMs) + windows.grace().toMillis();
    }
}
