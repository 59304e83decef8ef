package io.tapwire.streams.tcpmetrics;

import java.util.function.Predicate;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.Select;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.internal.TcpSeries;
import io.tapwire.streams.internal.TcpWindow;
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
 * Sub-topology 3, TCP metrics: every connection once, from its client's view or, when the client was not
 * observed, from its server's (changes stamped by the connection resolver) → per (client service, destination, server
 * service) and event-time window, connects, failed connects, handshake time, connections open at the window's end,
 * connections closed and their lifetimes, retransmits, bytes each way and smoothed RTT, for
 * {@code tapwire.tcp.metrics.v1} keyed {@code client/destination/server/windowStartEpochMs}.
 *
 * <p>In two steps, so that no record per change crosses a repartition. In the resolver's task a
 * {@link PartialAggregator} (stores {@value #PARTIALS} and {@value #PARTIALS}{@code -clock}) adds the changes up per
 * series and window, routes changes whose window has closed to the DLQ (stage {@value #STAGE}), and sends the partials
 * ({@link TcpWindow}s with their series' names), once per update interval of event time and before their window
 * closes, through the repartition {@value #BY_SERIES}. In the series' task the partials of every upstream task are put
 * in event-time order ({@link EventTimeSync}) and {@link TcpWindowAggregator} adds them to the open windows, emits each
 * window on update and once more, final, when it closes.
 */
public final class TcpMetrics {

    public static final String STAGE = "tcp-metrics";
    public static final String WINDOWS_STORE = "tcp-metrics-windows";
    public static final String SERIES_STORE = "tcp-metrics-series";
    static final String PARTIALS = "tcp-metrics-partials";
    /**
     * The repartition and event-time sync of the partials. Not {@code tcp-metrics-by-series}, the name of the sync
     * that held changes before the partials: its buffer, restored after an upgrade, would hold records of another type.
     */
    static final String BY_SERIES = "tcp-metrics-partials-by-series";
    /** Partials have no heartbeat of their own: only the {@link HeartbeatMarker} is one. */
    private static final Predicate<TcpWindow> NO_OWN_HEARTBEAT = partial -> false;

    private TcpMetrics() {
    }

    /** The metrics, and the dead letters of changes that came too late for their window. */
    public record Outputs(KStream<String, TcpMetric> metrics, KStream<String, DeadLetter> deadLetters) {
    }

    /** @param upstreamTasks tasks writing to each repartition (the partitions of the raw topics) */
    public static Outputs build(StreamsBuilder builder, KStream<String, SocketChange> resolved, TopologySerdes serdes,
                                TumblingWindows windows, int upstreamTasks) {
        Serde<TcpWindow> windowSerde = serdes.of(TcpWindow.class);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOWS_STORE),
                Serdes.String(), windowSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SERIES_STORE),
                Serdes.String(), serdes.of(TcpSeries.class)));
        PartialAggregator.Outputs<TcpWindow> counted = PartialAggregator.build(builder, resolved
                        .filter((key, change) -> ConnectionTracker.isHeartbeat(change) || counts(change),
                                Named.as("tcp-metrics-client-view")),
                PARTIALS, STAGE, windows, TcpWindows.PARTIALS, TcpWindow.class,
                windowSerde, serdes.of(SocketChange.class).serializer());
        KStream<String, TcpWindow> bySeries = EventTimeSync.ordered(builder,
                HeartbeatRepartition.repartition(counted.partials(), BY_SERIES, windowSerde, NO_OWN_HEARTBEAT),
                BY_SERIES, upstreamTasks, windowSerde, NO_OWN_HEARTBEAT);
        KStream<String, Object> aggregated = bySeries.process(
                () -> new TcpWindowAggregator(windows, windowSerde.serializer()), Named.as("tcp-metrics-aggregate"),
                WINDOWS_STORE, SERIES_STORE);
        KStream<String, TcpMetric> metrics = Select.ofType(aggregated, TcpMetric.class, false, "tcp-metrics-windows-out");
        KStream<String, DeadLetter> lateAfterRestart =
                Select.ofType(aggregated, DeadLetter.class, false, "tcp-metrics-late-after-restart");
        return new Outputs(metrics, counted.tooLate().merge(lateAfterRestart, Named.as("tcp-metrics-late-merged")));
    }

    /**
     * Each connection counts once: from the client's view, or from the server's when the client was not observed
     * (outside the cluster, or on a node without a collector; the client is then named by its address).
     */
    static boolean counts(SocketChange change) {
        boolean clientView = change.getRole() == SocketRole.CLIENT && !change.getServerView();
        return (clientView || change.getServerView()) && change.getServerService() != null;
    }

    static String seriesKey(SocketChange change) {
        return InternalKeys.join(change.getClientService(), change.getDestination(), change.getServerService());
    }
}
