package io.tapwire.streams.l7.metrics;

import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.derived.L7Request;
import io.tapwire.streams.internal.L7Window;
import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.window.LateRecordGate;
import io.tapwire.streams.window.TumblingWindows;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The first step of the L7 aggregation, in the task that names the requests: instead of one repartition record per
 * request, one partial per series and window ({@link L7Window}) goes to the series' task, which adds the partials up
 * ({@link L7WindowAggregator}). It is also the late-request gate: a request whose window has closed by this step's
 * time becomes a dead letter (stage {@value L7Metrics#STAGE}) and is not counted.
 *
 * <p>Time is the largest timestamp this step was given, heartbeats included; the requests come in an order the
 * event-time sync before the naming fixed, so the gate decides as a replay would. The partials gathered so far are
 * sent, each stamped with the time before the record that sends them, whenever time enters a new update interval
 * ({@link TumblingWindows#updateInterval}, a second by default) and
 * whenever it reaches the close of a window that has a partial. So a partial is stamped before its window's close
 * and after every record this step sent before it: the series' task, which releases records in event-time order,
 * always finds its window open, and its final records add up exactly the requests let through here.
 *
 * <p>The partials and the time are in stores ({@link io.tapwire.streams.store.CommitTimeStore}: objects between
 * commits), so a restart goes on where the last commit left off.
 */
final class L7PartialAggregator implements Processor<String, L7Request, String, Object> {

    /** The clock store's one key. */
    static final String TIME_KEY = "time";

    private final TumblingWindows windows;
    private final String partialsStore;
    private final String clockStore;
    private final Serializer<L7Request> serializer;
    /** The close (end plus grace) of the earliest window with a partial; {@link Long#MAX_VALUE} if none. */
    private long earliestCloseMs = Long.MAX_VALUE;
    private long timeMs = Long.MIN_VALUE;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, L7Window> partials;
    private KeyValueStore<String, Long> clock;
    /** Window keys ({@link L7WindowAggregator#windowKey}) of the partials not yet sent. */
    private final List<String> pending = new ArrayList<>();

    /** @param serializer writes a late request into its dead letter */
    L7PartialAggregator(TumblingWindows windows, String partialsStore, String clockStore,
                        Serializer<L7Request> serializer) {
        this.windows = windows;
        this.partialsStore = partialsStore;
        this.clockStore = clockStore;
        this.serializer = serializer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.partials = context.getStateStore(partialsStore);
        this.clock = context.getStateStore(clockStore);
        Long stored = clock.get(TIME_KEY);
        if (stored != null) {
            timeMs = stored;
        }
        try (KeyValueIterator<String, L7Window> it = partials.all()) {
            it.forEachRemaining(entry -> {
                pending.add(entry.key);
                earliestCloseMs = Math.min(earliestCloseMs, closeOf(entry.value.getWindowStartEpochMs()));
            });
        }
    }

    @Override
    public void process(Record<String, L7Request> record) {
        long timestamp = record.timestamp();
        if (timestamp > timeMs) {
            if (!pending.isEmpty() && (timestamp >= earliestCloseMs
                    || Math.floorDiv(timestamp, windows.updateIntervalMs())
                            != Math.floorDiv(timeMs, windows.updateIntervalMs()))) {
                sendPartials();
            }
            timeMs = timestamp;
            clock.put(TIME_KEY, timeMs);
        }
        L7Request request = record.value();
        if (request == null) {
            context.forward(new Record<>(HeartbeatMarker.KEY, null, timestamp));
            return;
        }
        long start = windows.startOf(timestamp);
        if (windows.isClosed(start, timeMs)) {
            context.forward(LateRecordGate.deadLetter(context.recordMetadata(), record, L7Metrics.STAGE, windows,
                    timeMs, serializer));
            return;
        }
        add(L7Metrics.seriesKey(request), request, start);
    }

    private void add(String seriesKey, L7Request request, long start) {
        String key = L7WindowAggregator.windowKey(start, seriesKey);
        L7Window partial = partials.get(key);
        if (partial == null) {
            partial = L7Windows.open(request, start);
            pending.add(key);
            earliestCloseMs = Math.min(earliestCloseMs, closeOf(start));
        }
        L7Windows.add(partial, request);
        partials.put(key, partial);
    }

    /** Every partial, keyed by series, at the time before the record being processed; then none is pending. */
    private void sendPartials() {
        List<KeyValue<String, L7Window>> sent = new ArrayList<>(pending.size());
        for (String key : pending) {
            sent.add(KeyValue.pair(key, partials.get(key)));
            partials.delete(key);
        }
        pending.clear();
        earliestCloseMs = Long.MAX_VALUE;
        for (KeyValue<String, L7Window> partial : sent) {
            String seriesKey = partial.key.substring(partial.key.indexOf('/') + 1);
            context.forward(new Record<>(seriesKey, partial.value, timeMs));
        }
    }

    private long closeOf(long windowStartMs) {
        return windows.endOf(windowStartMs) + windows.grace().toMillis();
    }
}
