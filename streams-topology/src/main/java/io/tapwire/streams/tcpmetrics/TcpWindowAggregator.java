package io.tapwire.streams.tcpmetrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.TcpMetricKey;
import io.tapwire.streams.internal.TcpSeries;
import io.tapwire.streams.internal.TcpWindow;
import io.tapwire.streams.sync.EventClock;
import io.tapwire.streams.window.LateRecordGate;
import io.tapwire.streams.window.TumblingWindows;
import io.tapwire.streams.window.WindowCloseClock;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The windowed TCP aggregate, in the Processor API because it needs what the DSL's windowed aggregations do not
 * give together: an update with every partial and one more record, {@code final = true}, when the window closes;
 * and a gauge, the connections open at each window's end, carried across windows in which nothing happens.
 *
 * <p>Its input is the partials of the resolver task's {@link io.tapwire.streams.window.PartialAggregator} (the
 * changes of one series and window as one upstream task counted them since its last partial, stamped before their
 * window's close), in event-time order. Open connections at the end of a window are the open connections at the end
 * of the last closed window plus the opens minus the closes of every open window up to this one. Windows close in
 * order, so the figure of a closed window is the sum over all partials before its end, whatever order they came in:
 * a replay gives the same final records. A window closes when event time (the {@link EventClock} of the records
 * released to this step, heartbeats included) passes its end plus the grace period ({@link WindowCloseClock}), so
 * windows close also when only heartbeats arrive. A series with open connections gets a final record for every
 * window, even one without changes.
 *
 * <p>Records of an update carry the partial's timestamp; final records carry the window's last millisecond. Nothing
 * depends on the wall clock. A partial for a window its series has already closed (which the partials' stamps rule
 * out, but a restart of this step's in-memory time could bring) goes to the DLQ instead of opening it again.
 */
final class TcpWindowAggregator implements Processor<String, TcpWindow, String, Object> {

    private static final StringSerializer KEYS = new StringSerializer();

    private final TumblingWindows windows;
    private final Serializer<TcpWindow> serializer;
    /** Time as the released records say; in memory, set again by the first record (the first close scans all series). */
    private final WindowCloseClock clock;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, TcpWindow> openWindows;
    private KeyValueStore<String, TcpSeries> series;

    /** @param serializer writes a partial into its dead letter */
    TcpWindowAggregator(TumblingWindows windows, Serializer<TcpWindow> serializer) {
        this.windows = windows;
        this.serializer = serializer;
        this.clock = new WindowCloseClock(windows);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.openWindows = context.getStateStore(TcpMetrics.WINDOWS_STORE);
        this.series = context.getStateStore(TcpMetrics.SERIES_STORE);
    }

    @Override
    public void process(Record<String, TcpWindow> record) {
        boolean due = clock.advance(record.timestamp());
        if (record.value() != null) {
            aggregate(record);
        }
        if (due) {
            clock.closeBoundary().ifPresent(this::closeWindows);
        }
    }

    private void aggregate(Record<String, TcpWindow> record) {
        String seriesKey = record.key();
        TcpWindow partial = record.value();
        long start = partial.getWindowStartEpochMs();
        TcpSeries known = series.get(seriesKey);
        if (known == null) {
            known = TcpSeries.newBuilder().setClientService(partial.getClientService())
                    .setDestination(partial.getDestination()).setServerService(partial.getServerService())
                    .setOpenAtClosed(0).setClosedUntilEpochMs(windows.closedUntil(clock.timeMs()))
                    .build();
        }
        if (start < known.getClosedUntilEpochMs()) {
            context.forward(LateRecordGate.deadLetter(context.recordMetadata(), record, start, TcpMetrics.STAGE,
                    windows, clock.timeMs(), serializer));
            return;
        }
        series.put(seriesKey, known);
        String windowKey = windowKey(seriesKey, start);
        TcpWindow window = openWindows.get(windowKey);
        if (window == null) {
            window = TcpWindow.newBuilder().setWindowStartEpochMs(start).build();
        }
        TcpWindows.merge(window, partial);
        openWindows.put(windowKey, window);

        // Emit this window, and the later open windows whose open connections this partial moved.
        long open = known.getOpenAtClosed();
        for (TcpWindow w : windowsOf(seriesKey)) {
            open += w.getNetOpened();
            if (w.getWindowStartEpochMs() == start
                    || w.getWindowStartEpochMs() > start && partial.getNetOpened() != 0) {
                emit(known, w, open, false, record.timestamp());
            }
        }
    }

    private void closeWindows(long closedUntil) {
        List<KeyValue<String, TcpSeries>> all = new ArrayList<>();
        try (KeyValueIterator<String, TcpSeries> it = series.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, TcpSeries> entry : all) {
            TcpSeries s = entry.value;
            if (s.getClosedUntilEpochMs() >= closedUntil) {
                continue;
            }
            List<TcpWindow> pending = windowsOf(entry.key);
            long open = s.getOpenAtClosed();
            long next = s.getClosedUntilEpochMs();
            int index = 0;
            while (next < closedUntil) {
                TcpWindow window = index < pending.size() && pending.get(index).getWindowStartEpochMs() == next
                        ? pending.get(index++) : null;
                if (window == null && open == 0) {
                    // Nothing open, nothing counted: skip to the next window that has changes.
                    next = index < pending.size() ? Math.min(pending.get(index).getWindowStartEpochMs(), closedUntil) : closedUntil;
                    continue;
                }
                if (window == null) {
                    window = TcpWindow.newBuilder().setWindowStartEpochMs(next).build();
                } else {
                    openWindows.delete(windowKey(entry.key, next));
                }
                open += window.getNetOpened();
                emit(s, window, open, true, clock.finalTimestamp(next));
                next = windows.endOf(next);
            }
            s.setOpenAtClosed(open);
            s.setClosedUntilEpochMs(closedUntil);
            if (open == 0 && index >= pending.size()) {
                series.delete(entry.key);
            } else {
                series.put(entry.key, s);
            }
        }
    }

    private void emit(TcpSeries s, TcpWindow w, long open, boolean last, long timestampMs) {
        long start = w.getWindowStartEpochMs();
        TcpMetric metric = TcpMetric.newBuilder()
                .setClientService(s.getClientService()).setDestination(s.getDestination())
                .setServerService(s.getServerService())
                .setWindowStartEpochMs(start).setWindowEndEpochMs(windows.endOf(start))
                .setSuccessfulConnects(w.getSuccessfulConnects()).setFailedConnects(w.getFailedConnects())
                .setConnectTimeSumSeconds(w.getConnectTimeSumSeconds())
                .setActiveConnections(Math.max(0, open))
                .setClosedConnections(w.getClosedConnections())
                .setLifetimeSumSeconds(w.getLifetimeSumSeconds()).setLifetimeSamples(w.getLifetimeSamples())
                .setRetransmits(w.getRetransmits())
                .setBytesSent(w.getBytesSent()).setBytesReceived(w.getBytesReceived())
                .setRttSumSeconds(w.getRttSumSeconds()).setRttSamples(w.getRttSamples())
                .setFinal$(last)
                .build();
        String key = new TcpMetricKey(s.getClientService(), s.getDestination(), s.getServerService(), start).format();
        context.forward(new Record<>(key, metric, timestampMs));
    }

    /** The open windows of a series, oldest first. */
    private List<TcpWindow> windowsOf(String seriesKey) {
        List<TcpWindow> found = new ArrayList<>();
        try (KeyValueIterator<String, TcpWindow> it = openWindows.prefixScan(seriesKey + '/', KEYS)) {
            it.forEachRemaining(entry -> found.add(entry.value));
        }
        found.sort(Comparator.comparingLong(TcpWindow::getWindowStartEpochMs));
        return found;
    }

    private static String windowKey(String seriesKey, long windowStartMs) {
        return seriesKey + '/' + windowStartMs;
    }
}
