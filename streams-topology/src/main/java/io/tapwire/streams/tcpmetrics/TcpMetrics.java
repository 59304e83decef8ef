package io.tapwire.streams.tcpmetrics;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.internal.TcpSeries;
import io.tapwire.streams.internal.TcpWindow;
import io.tapwire.streams.sync.EventTimeSync;
import io.tapwire.streams.window.LateRecordGate;
import io.tapwire.streams.window.TumblingWindows;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * Sub-topology 3, TCP metrics: every connection once, from its client's view or, when the client was not
 * observed, from its server's (changes stamped by the connection resolver) → per (client service, destination, server service) and event-time window, connects, failed
 * connects, handshake time, connections open at the window's end, connections closed and their lifetimes,
 * retransmits, bytes each way and smoothed RTT, for {@code tapwire.tcp.metrics.v1} keyed
 * {@code client/destination/server/windowStartEpochMs}.
 *
 * <p>Changes are re-keyed by series and put in event-time order ({@link EventTimeSync}); a late-record gate routes changes whose window has closed to the DLQ, and
 * {@link TcpWindowAggregator} emits each window on update and once more, final, when it closes.
 */
public final class TcpMetrics {

    public static final String STAGE = "tcp-metrics";
    public static final String WINDOWS_STORE = "tcp-metrics-windows";
    public static final String SERIES_STORE = "tcp-metrics-series";
    static final String BY_SERIES = "tcp-metrics-by-series";

    private TcpMetrics() {
    }

    /** The metrics, and the dead letters of changes that came too late for their window. */
    public record Outputs(KStream<String, TcpMetric> metrics, KStream<String, DeadLetter> deadLetters) {
    }

    /** @param upstreamTasks tasks writing to each repartition (the partitions of the raw topics) */
    public static Outputs build(StreamsBuilder builder, KStream<String, SocketChange> resolved, TopologySerdes serdes,
                                TumblingWindows windows, int upstreamTasks) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOWS_STORE),
                Serdes.String(), serdes.of(TcpWindow.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SERIES_STORE),
                Serdes.String(), serdes.of(TcpSeries.class)));
        KStream<String, SocketChange> clientView = resolved
                .filter((key, change) -> ConnectionTracker.isHeartbeat(change)
                        || counts(change),
                        Named.as("tcp-metrics-client-view"))
                .selectKey((key, change) -> ConnectionTracker.isHeartbeat(change) ? key : seriesKey(change),
                        Named.as("tcp-metrics-series-key"));
        KStream<String, SocketChange> bySeries = EventTimeSync.ordered(builder, HeartbeatRepartition.repartition(
                clientView, BY_SERIES, serdes.of(SocketChange.class), ConnectionTracker::isHeartbeat),
                BY_SERIES, upstreamTasks, serdes.of(SocketChange.class), ConnectionTracker::isHeartbeat);
        LateRecordGate.Outputs<SocketChange> gated = LateRecordGate.split(bySeries, STAGE, windows,
                serdes.of(SocketChange.class).serializer(), ConnectionTracker::isHeartbeat);
        KStream<String, TcpMetric> metrics = gated.onTime().process(() -> new TcpWindowAggregator(windows),
                Named.as("tcp-metrics-aggregate"), WINDOWS_STORE, SERIES_STORE);
        return new Outputs(metrics, gated.tooLate());
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
