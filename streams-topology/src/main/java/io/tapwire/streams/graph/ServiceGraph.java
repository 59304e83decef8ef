package io.tapwire.streams.graph;

import java.time.Duration;
import java.util.List;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.EventTimeSync;
import io.tapwire.streams.internal.SocketChange;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * Sub-topology 6, the service graph: resolved connection changes → one edge per (client service, server
 * service), with the protocols seen on it, first and last seen (event time) and connect counts, for the
 * compacted {@code tapwire.service.edges.v1} keyed {@code client/server}. Each connection counts once: from
 * the client's view, or the server's when the client was not observed (its client is then named by address).
 * The changes are added up per edge in the resolver's task ({@link EdgePartials}, store {@value #PARTIALS_STORE}),
 * whose partials cross to the edge's task once per update interval: a new edge comes out within an update interval
 * of event time of its first connection.
 * TCP contributes the protocol {@code tcp}; L7 adds its own protocols and the request and error counts, from the
 * final L7 metric records of the counting side (each request once: the client's side, or the server's where the
 * client is not observed), so an edge's requests grow once per closed window.
 */
public final class ServiceGraph {

    public static final String EDGES_STORE = "service-edges";
    public static final String DIRTY_STORE = "service-edges-dirty";
    /** The protocol token of an edge seen through TCP connections. */
    public static final String TCP = "tcp";
    static final String PARTIALS_STORE = "service-edges-partials";
    /** Not {@code service-edges-by-edge}, the repartition of the changes themselves before the partials. */
    static final String BY_EDGE = "service-edges-partials-by-edge";
    static final String L7_BY_EDGE = "service-edges-l7-by-edge";

    private ServiceGraph() {
    }

    /**
     * @param partialInterval event time over which the connection changes of an edge are added up before they cross
     *                      to the edge's task
     * @param flushInterval event time between two emissions of an edge that only moved its counts and times
     * @param retention     event time after which an edge not seen since is removed (a tombstone)
     * @param upstreamTasks tasks writing to each repartition (the partitions of the raw topics)
     */
    public static KStream<String, ServiceEdge> build(StreamsBuilder builder, KStream<String, SocketChange> resolved,
                                                     KStream<String, L7Metric> l7Finals, TopologySerdes serdes,
                                                     Duration partialInterval, Duration flushInterval,
                                                     Duration retention, int upstreamTasks) {
        // Read and written with every connection change of an edge: objects between commits (CommitTimeStore).
        builder.addStateStore(CommitTimeStore.builder(EDGES_STORE, Serdes.String(), serdes.of(ServiceEdge.class)));
        builder.addStateStore(CommitTimeStore.builder(DIRTY_STORE, Serdes.String(), Serdes.Long()));
        // Added up with every change of an edge: an object between commits (CommitTimeStore).
        builder.addStateStore(CommitTimeStore.builder(PARTIALS_STORE, Serdes.String(), serdes.of(ServiceEdge.class)));
        KStream<String, ServiceEdge> byEdge = HeartbeatRepartition.repartition(resolved
                        .filter((key, change) -> ConnectionTracker.isHeartbeat(change)
                                || change.getClientService() != null && change.getServerService() != null,
                                Named.as("service-edges-resolved"))
                        .process(() -> new EdgePartials(PARTIALS_STORE, partialInterval.toMillis()),
                                Named.as("service-edges-partials"), PARTIALS_STORE),
                BY_EDGE, serdes.of(ServiceEdge.class), edge -> false);
        KStream<String, L7Metric> l7ByEdge = HeartbeatRepartition.repartition(l7Finals
                        .selectKey((key, metric) -> metric == null ? key
                                : new ServiceEdgeKey(metric.getClientService(), metric.getServerService()).format(),
                                Named.as("service-edges-l7-key")),
                L7_BY_EDGE, serdes.of(L7Metric.class), metric -> false);
        // Connections first: an edge's first sight comes from its connections, where they are observed.
        return EventTimeSync.merge(builder, BY_EDGE, upstreamTasks, List.of(
                        EventTimeSync.Channel.repartitioned(BY_EDGE, byEdge, serdes.of(ServiceEdge.class),
                                edge -> false),
                        EventTimeSync.Channel.repartitioned(L7_BY_EDGE, l7ByEdge, serdes.of(L7Metric.class),
                                metric -> false)))
                .process(() -> new EdgeAggregator(flushInterval, retention), Named.as("service-edges-aggregate"),
                        EDGES_STORE, DIRTY_STORE);
    }
}
