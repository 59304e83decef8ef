package io.tapwire.streams.l7.metrics;

import java.util.function.Predicate;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.L7Window;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.EventTimeSync;
import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.window.LateRecordGate;
import io.tapwire.streams.window.TumblingWindows;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * Sub-topology 5, L7 RED metrics: named requests → per series (observed side, client service, server service,
 * destination, protocol, status) and event-time window, requests, errors and a latency histogram with the Prometheus
 * default buckets ({@link LatencyHistogram}), for {@code tapwire.l7.metrics.v1} keyed
 * {@code side/client/server/destination/protocol/status/windowStartEpochMs} ({@link
 * io.tapwire.schemas.keys.L7MetricKey}; side in lower case: {@code client}, {@code server}, {@code unknown}). Counts
 * are exact: every request counts, in the window of its record timestamp.
 *
 * <p>Requests are re-keyed by series ({@link InternalKeys#join} of the six components) through the repartition
 * {@value #BY_SERIES} and put in event-time order ({@link EventTimeSync}); a late-record gate (stage {@value #STAGE})
 * routes requests whose window has closed to the DLQ, and {@link L7WindowAggregator} keeps the open windows in the
 * store {@value #WINDOWS_STORE}. It does not emit a record per request: it emits the windows changed since, once
 * per second of event time, and one last record, {@code final = true}, when a window closes.
 *
 * <p>Wiring: the input is the named requests keyed by connection id, with record timestamps their event time, and
 * with the heartbeats of the raw topic they come from as {@link HeartbeatMarker}s (key {@link HeartbeatMarker#KEY},
 * value null) from every upstream task: without them the sync releases nothing and no window closes. The metrics go
 * to {@code tapwire.l7.metrics.v1}, the dead letters to {@code tapwire.dlq.v1}.
 */
public final class L7Metrics {

    public static final String STAGE = "l7-metrics";
    public static final String WINDOWS_STORE = "l7-metrics-windows";
    public static final String CLOCK_STORE = "l7-metrics-clock";
    static final String BY_SERIES = "l7-metrics-by-series";
    /** Requests have no heartbeat of their own: only the {@link HeartbeatMarker} is one. */
    static final Predicate<L7Request> NO_OWN_HEARTBEAT = request -> false;

    private L7Metrics() {
    }

    /**
     * The metrics; the dead letters of requests that came too late for their window; and the final records of the
     * counting side, each request once, with heartbeats ({@link HeartbeatMarker}s), for the service graph.
     */
    public record Outputs(KStream<String, L7Metric> metrics, KStream<String, DeadLetter> deadLetters,
                          KStream<String, L7Metric> countedFinals) {
    }

    /** @param upstreamTasks tasks writing to the repartition (the partitions of the raw topics) */
    public static Outputs build(StreamsBuilder builder, KStream<String, L7Request> requests, TopologySerdes serdes,
                                TumblingWindows windows, int upstreamTasks) {
        // A busy series' window changes with every request: an object between commits, written once at each
        // (CommitTimeStore); the range scan that closes windows, once per second of event time, writes first.
        builder.addStateStore(CommitTimeStore.builder(WINDOWS_STORE, Serdes.String(), serdes.of(L7Window.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOCK_STORE),
                Serdes.String(), Serdes.Long()));
        Serde<L7Request> serde = serdes.of(L7Request.class);
        KStream<String, L7Request> bySeriesKey = requests
                .filter((key, request) -> request != null || isHeartbeat(key, request), Named.as("l7-metrics-requests"))
                .selectKey((key, request) -> request == null ? key : seriesKey(request),
                        Named.as("l7-metrics-series-key"));
        KStream<String, L7Request> bySeries = EventTimeSync.ordered(builder,
                HeartbeatRepartition.repartition(bySeriesKey, BY_SERIES, serde, NO_OWN_HEARTBEAT),
                BY_SERIES, upstreamTasks, serde, NO_OWN_HEARTBEAT);
        LateRecordGate.Outputs<L7Request> gated =
                LateRecordGate.split(bySeries, STAGE, windows, serde.serializer(), NO_OWN_HEARTBEAT);
        KStream<String, Object> aggregated = gated.onTime().process(
                () -> new L7WindowAggregator(windows, serde.serializer()), Named.as("l7-metrics-aggregate"),
                WINDOWS_STORE, CLOCK_STORE);
        KStream<String, L7Metric> metrics = aggregated
                .filter((key, value) -> value instanceof L7Metric, Named.as("l7-metrics-windows-out"))
                .mapValues(value -> (L7Metric) value, Named.as("l7-metrics-values"));
        KStream<String, DeadLetter> lateAfterRestart = aggregated
                .filter((key, value) -> value instanceof DeadLetter, Named.as("l7-metrics-late-after-restart"))
                .mapValues(value -> (DeadLetter) value, Named.as("l7-metrics-late-after-restart-values"));
        KStream<String, L7Metric> countedFinals = aggregated
                .filter((key, value) -> HeartbeatMarker.is(key, value)
                        || value instanceof L7Metric m && m.getFinal$() && m.getCountingSide(),
                        Named.as("l7-metrics-counted-finals"))
                .mapValues(value -> (L7Metric) value, Named.as("l7-metrics-counted-final-values"));
        return new Outputs(metrics, gated.tooLate().merge(lateAfterRestart, Named.as("l7-metrics-late-merged")),
                countedFinals);
    }

    static boolean isHeartbeat(String key, L7Request request) {
        return HeartbeatMarker.isHeartbeat(NO_OWN_HEARTBEAT, key, request);
    }

    /** The series of a request: {@code side/client/server/destination/protocol/status}, each percent-encoded. */
    static String seriesKey(L7Request request) {
        return InternalKeys.join(side(request), request.getClientService(), request.getServerService(),
                request.getDestination(), request.getProtocol(), request.getStatus());
    }

    /** The observed side as the metrics name it: {@code client}, {@code server} or {@code unknown}. */
    static String side(L7Request request) {
        return switch (request.getSide()) {
            case CLIENT -> "client";
            case SERVER -> "server";
            case UNKNOWN -> "unknown";
        };
    }
}
