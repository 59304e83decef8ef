package io.tapwire.streams.l7.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.streams.internal.L7Window;
import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.window.LateRecordGate;
import io.tapwire.streams.window.TumblingWindows;
import io.tapwire.streams.window.WindowCloseClock;
import io.tapwire.streams.window.WindowKeys;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The windowed L7 aggregate, in the Processor API because it needs what the DSL's windowed aggregations do not give
 * together: updates batched by event time, not one record per request (at 100,000 requests a second that would be
 * 100,000 output records a second), and one more record, {@code final = true}, when the window closes.
 *
 * <p>Its input is the partials of the naming task's {@link io.tapwire.streams.window.PartialAggregator} (the requests of one series and window as one
 * upstream task counted them since its last partial), each added to its window in the store {@value L7Metrics#WINDOWS_STORE}, keyed by window start
 * (19 digits, zero-padded, so keys sort by time) then series key, so the windows to close are one range scan from
 * the oldest. At each tick of {@link WindowCloseClock} (once per update interval of event time, heartbeats included) the
 * windows that closed are emitted final, at their last millisecond, and deleted; then every other window changed
 * since the last tick is emitted once, not final, at the tick's time (or the window's last millisecond, if earlier).
 * Which windows changed is kept in memory: after a restart the changes before it are not emitted as updates, but
 * are in the window's next update and in its final record.
 *
 * <p>A final record is a function of its window's requests alone: counts and the latency sum are integers
 * ({@link LatencyHistogram} sums nanoseconds), so any order of the same requests gives the same bits, and the
 * partials' step has let through exactly the requests that came before the window closed by its time, in an order
 * that the event-time syncs fix, and stamped each partial before its window's close. {@code countingSide} is true when any request of the window was counted from this side;
 * upstream the flag follows from the side and from whether the client was observed, which the client's name
 * already tells (an unobserved client is named by address), so the requests of one series agree on it.
 *
 * <p>The time of the last tick is kept in the store {@value L7Metrics#CLOCK_STORE}, so that a partial that still
 * came for a window already emitted final (which the partials' stamps rule out) would go to the DLQ from here
 * instead of opening the window again for a second final record.
 */
final class L7WindowAggregator implements Processor<String, L7Window, String, Object> {

    /** The clock store's one key. */
    static final String TIME_KEY = "time";
    private static final List<Double> BOUNDS_SECONDS = bounds();

    private final TumblingWindows windows;
    private final Serializer<L7Window> serializer;
    private final WindowCloseClock clock;
    /** Windows changed since the last tick, by window key, in the order of their first change. */
    private final Set<String> changed = new LinkedHashSet<>();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, L7Window> openWindows;
    private KeyValueStore<String, Long> clockStore;

    /** @param serializer writes a partial into its dead letter */
    L7WindowAggregator(TumblingWindows windows, Serializer<L7Window> serializer) {
        this.windows = windows;
        this.serializer = serializer;
        this.clock = new WindowCloseClock(windows);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.openWindows = context.getStateStore(L7Metrics.WINDOWS_STORE);
        this.clockStore = context.getStateStore(L7Metrics.CLOCK_STORE);
        Long lastTick = clockStore.get(TIME_KEY);
        if (lastTick != null) {
            clock.advance(lastTick);
        }
    }

    @Override
    public void process(Record<String, L7Window> record) {
        boolean due = clock.advance(record.timestamp());
        L7Window partial = record.value();
        if (partial != null) {
            long start = partial.getWindowStartEpochMs();
            if (clock.isClosed(start)) {
                // Only after a restart (see the class comment): the partials' step keeps time too.
                context.forward(LateRecordGate.deadLetter(context.recordMetadata(), record, start, L7Metrics.STAGE,
                        windows, clock.timeMs(), serializer));
            } else {
                add(record.key(), partial);
            }
        }
        if (due) {
            tick();
        }
        if (partial == null) {
            // Time passes on for the steps that read the final records (the service graph's event-time sync).
            context.forward(new Record<>(HeartbeatMarker.KEY, null, record.timestamp()));
        }
    }

    private void add(String seriesKey, L7Window partial) {
        String key = WindowKeys.windowKey(partial.getWindowStartEpochMs(), seriesKey);
        L7Window window = openWindows.get(key);
        if (window == null) {
            window = L7Window.newBuilder(partial).build();
        } else {
            L7Windows.merge(window, partial);
        }
        openWindows.put(key, window);
        changed.add(key);
    }

    private void tick() {
        clock.closeBoundary().ifPresent(this::closeWindows);
        long now = clock.timeMs();
        for (String key : changed) {
            L7Window window = openWindows.get(key);
            if (window != null) {
                emit(window, false, Math.min(now, clock.finalTimestamp(window.getWindowStartEpochMs())));
            }
        }
        changed.clear();
        clockStore.put(TIME_KEY, now);
    }

    /** Emits final, and deletes, every window starting before {@code closedUntil}: oldest first, then by series. */
    private void closeWindows(long closedUntil) {
        List<KeyValue<String, L7Window>> closing = new ArrayList<>();
        // Keys are the start's digits then '/': every key of an earlier start sorts before the bare digits of this one.
        try (KeyValueIterator<String, L7Window> it = openWindows.range("", WindowKeys.startDigits(closedUntil))) {
            it.forEachRemaining(closing::add);
        }
        for (KeyValue<String, L7Window> entry : closing) {
            long start = entry.value.getWindowStartEpochMs();
            emit(entry.value, true, clock.finalTimestamp(start));
            openWindows.delete(entry.key);
            changed.remove(entry.key);
        }
    }

    private void emit(L7Window w, boolean last, long timestampMs) {
        long start = w.getWindowStartEpochMs();
        LatencyHistogram latency = L7Windows.histogramOf(w);
        L7Metric metric = L7Metric.newBuilder()
                .setSide(w.getSide()).setCountingSide(w.getCountingSide())
                .setClientService(w.getClientService()).setServerService(w.getServerService())
                .setDestination(w.getDestination()).setProtocol(w.getProtocol()).setStatus(w.getStatus())
                .setWindowStartEpochMs(start).setWindowEndEpochMs(windows.endOf(start))
                .setRequests(latency.count()).setErrors(w.getErrors())
                .setLatencySumSeconds(latency.sumSeconds())
                .setLatencyBucketBoundsSeconds(BOUNDS_SECONDS)
                .setLatencyBucketCounts(L7Windows.toList(latency.bucketCounts()))
                .setFinal$(last)
                .build();
        String key = new L7MetricKey(w.getSide(), w.getClientService(), w.getServerService(), w.getDestination(),
                w.getProtocol(), w.getStatus(), start).format();
        context.forward(new Record<>(key, metric, timestampMs));
    }

    /** The finite bounds, in seconds: the +Inf bucket is implicit in L7Metric. */
    private static List<Double> bounds() {
        List<Double> bounds = new ArrayList<>(LatencyHistogram.BUCKETS - 1);
        for (int bucket = 0; bucket < LatencyHistogram.BUCKETS - 1; bucket++) {
            bounds.add(LatencyHistogram.upperBoundSeconds(bucket));
        }
        return List.copyOf(bounds);
    }
}
