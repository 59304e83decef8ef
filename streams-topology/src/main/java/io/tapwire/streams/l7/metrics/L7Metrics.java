package io.tapwire.streams.l7.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.Select;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.L7Window;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.EventTimeSync;
import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.window.PartialAggregator;
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
 * <p>In two steps, so that no record per request crosses a repartition. In the task that names the requests,
 * a {@link PartialAggregator} (one per input, stores {@value #PARTIALS}{@code -<input>}) adds them up per series
 * ({@link InternalKeys#join} of the six components) and window, routes requests whose window has closed to the DLQ
 * (stage {@value #STAGE}), and sends the partials, once per update interval of event time (a second by default) and before their window closes,
 * through the repartition {@value #BY_SERIES}{@code -<input>}. In the series' task the partials of every input and
 * upstream task are put in event-time order ({@link EventTimeSync}) and {@link L7WindowAggregator} adds them to the
 * open windows in the store {@value #WINDOWS_STORE}. It does not emit a record per request: it emits the windows
 * changed since, once per update interval of event time, and one last record, {@code final = true}, when a window closes.
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
    /** The partials' step of each input is named this, then {@code -<input name>} (its stores too). */
    static final String PARTIALS = "l7-metrics-partials";
    /**
     * The event-time sync of the partials in the series' task. Not {@value #BY_SERIES}, the name of the sync that held
     * requests before the partials: its buffer, restored after an upgrade, would hold records of another type.
     */
    static final String PARTIALS_SYNC = "l7-metrics-partials-by-series";
    /** Partials have no heartbeat of their own: only the {@link HeartbeatMarker} is one. */
    static final Predicate<L7Window> NO_OWN_HEARTBEAT = partial -> false;

    private L7Metrics() {
    }

    /**
     * The metrics; the dead letters of requests that came too late for their window; and the final records of the
     * counting side, each request once, with heartbeats ({@link HeartbeatMarker}s), for the service graph.
     */
    public record Outputs(KStream<String, L7Metric> metrics, KStream<String, DeadLetter> deadLetters,
                          KStream<String, L7Metric> countedFinals) {
    }

    /**
     * One stream of named requests, in an order fixed by an event-time sync upstream, with its heartbeats; its
     * {@code name} names its stores and its repartition.
     */
    public record Input(String name, KStream<String, L7Request> requests) {
    }

    /** The metrics of one stream of named requests (named {@code requests}). */
    public static Outputs build(StreamsBuilder builder, KStream<String, L7Request> requests, TopologySerdes serdes,
                                TumblingWindows windows, int upstreamTasks) {
        return build(builder, List.of(new Input("requests", requests)), serdes, windows, upstreamTasks);
    }

    /**
     * The metrics of the requests of every input. Each input is counted apart, by a partials' step of its own with
     * its own time and late-request gate, so the order in which Kafka Streams interleaves inputs that one task reads
     * changes nothing.
     *
     * @param upstreamTasks tasks writing to the repartitions (the partitions of the raw topics)
     */
    public static Outputs build(StreamsBuilder builder, List<Input> inputs, TopologySerdes serdes,
                                TumblingWindows windows, int upstreamTasks) {
        // A busy series' window changes with every partial: an object between commits, written once at each
        // (CommitTimeStore); the range scan that closes windows, once per update interval of event time, writes first.
        builder.addStateStore(CommitTimeStore.builder(WINDOWS_STORE, Serdes.String(), serdes.of(L7Window.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOCK_STORE),
                Serdes.String(), Serdes.Long()));
        Serde<L7Window> partialSerde = serdes.of(L7Window.class);
        List<EventTimeSync.Channel<?>> channels = new ArrayList<>();
        KStream<String, DeadLetter> lateRequests = null;
        for (Input input : inputs) {
            String name = PARTIALS + "-" + input.name();
            PartialAggregator.Outputs<L7Window> counted = PartialAggregator.build(builder, input.requests()
                            .filter((key, request) -> request != null || isHeartbeat(key, request), Named.as(name + "-requests")),
                    name, STAGE, windows, L7Windows.PARTIALS, L7Window.class,
                    partialSerde, serdes.of(L7Request.class).serializer());
            KStream<String, L7Window> partials = counted.partials();
            KStream<String, DeadLetter> late = counted.tooLate();
            lateRequests = lateRequests == null ? late : lateRequests.merge(late, Named.as(name + "-late-merged"));
            String bySeries = BY_SERIES + "-" + input.name();
            channels.add(EventTimeSync.Channel.repartitioned(bySeries,
                    HeartbeatRepartition.repartition(partials, bySeries, partialSerde, NO_OWN_HEARTBEAT),
                    partialSerde, NO_OWN_HEARTBEAT));
        }
        // Every channel carries L7Window partials.
        KStream<String, L7Window> partials =
                Select.retyped(EventTimeSync.merge(builder, PARTIALS_SYNC, upstreamTasks, channels));
        KStream<String, Object> aggregated = partials
                .process(() -> new L7WindowAggregator(windows, partialSerde.serializer()),
                        Named.as("l7-metrics-aggregate"), WINDOWS_STORE, CLOCK_STORE);
        KStream<String, L7Metric> metrics = Select.ofType(aggregated, L7Metric.class, false, "l7-metrics-windows-out");
        KStream<String, DeadLetter> lateAfterRestart =
                Select.ofType(aggregated, DeadLetter.class, false, "l7-metrics-late-after-restart");
        KStream<String, L7Metric> countedFinals = Select.of(aggregated, (key, value) -> HeartbeatMarker.is(key, value)
                        || value instanceof L7Metric m && m.getFinal$() && m.getCountingSide(),
                value -> (L7Metric) value, "l7-metrics-counted-finals");
        return new Outputs(metrics, lateRequests.merge(lateAfterRestart, Named.as("l7-metrics-late-merged")),
                countedFinals);
    }

    static boolean isHeartbeat(String key, L7Request request) {
        return HeartbeatMarker.isHeartbeat(r -> false, key, request);
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
