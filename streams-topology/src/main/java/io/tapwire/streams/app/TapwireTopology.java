package io.tapwire.streams.app;

import java.util.List;
import java.util.function.Function;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.connections.ConnectionResolver;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.decode.RawDecoding;
import io.tapwire.streams.dedup.RawDeduplication;
import io.tapwire.streams.graph.ServiceGraph;
import io.tapwire.streams.l7.PayloadParsing;
import io.tapwire.streams.l7.RequestNaming;
import io.tapwire.streams.l7.metrics.L7Metrics;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.listeners.ListenerIndex;
import io.tapwire.streams.listeners.ListenerRegistry;
import io.tapwire.streams.registry.ProcessRegistry;
import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.tcpmetrics.TcpMetrics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The whole topology, built by a pure function of its settings and serdes: every raw topic is decoded (the
 * undecodable go to the DLQ) and deduplicated, then fed to the sub-topologies:
 *
 * <pre>
 * raw.process + raw.inventory ─▶ ProcessRegistry ─▶ processes.v1, events.v1
 *                                      │   └─▶ the processes, in the registry's task, to the L7 lookup below
 * raw.tcp ─▶ ConnectionTracker ─▶ the socket's owner's service, in the registry's task
 *              ├─▶ ListenerRegistry (+ raw.inventory) ─▶ listeners.v1
 *              │        └─▶ ListenerIndex (the listeners by lookup key)
 *              └─▶ ConnectionResolver (+ DNS answers) ─┬─▶ TcpMetrics ─▶ tcp.metrics.v1
 *                                                      ├─▶ ServiceGraph ─▶ service.edges.v1
 *                                                      └─▶ names of each socket
 * raw.l7 ─▶ PayloadParsing (framing, pairing) ─┬─▶ DNS answers (to the resolver)
 *                                              └─▶ RequestNaming (+ names, + owners of unplaced sockets) ─▶ l7.requests.v1
 *                                                     │   └─▶ the service of the process, for requests no names reached
 *                                                     └─▶ L7Metrics ─▶ l7.metrics.v1
 *                                                            └─▶ final counts of the counting side (to the ServiceGraph)
 * undecodable, unparseable (sampled) and too-late records ─▶ dlq.v1
 * </pre>
 *
 * Wherever records of several upstream tasks meet (every repartition), an
 * {@link io.tapwire.streams.sync.EventTimeSync} puts them in one event-time order first, so a replay computes
 * what the live run did whatever the lag between sub-topologies.
 */
public final class TapwireTopology {

    /** The raw topics the topology reads: they must exist, with one partition count, and carry heartbeats. */
    public static final List<TapwireTopic> RAW_INPUTS = List.of(TapwireTopic.RAW_PROCESS, TapwireTopic.RAW_INVENTORY,
            TapwireTopic.RAW_TCP, TapwireTopic.RAW_L7);

    /** The topics the topology writes: contracts, whose records go under each topic's own subject. */
    public static final List<TapwireTopic> PUBLISHED = List.of(TapwireTopic.PROCESSES, TapwireTopic.EVENTS,
            TapwireTopic.LISTENERS, TapwireTopic.DLQ, TapwireTopic.TCP_METRICS, TapwireTopic.L7_REQUESTS,
            TapwireTopic.L7_METRICS, TapwireTopic.SERVICE_EDGES);

    private TapwireTopology() {
    }

    /**
     * @param rawPartitions the partition count of the raw topics (all the same: see {@link TopologyRunner}), which
     *                      is the number of tasks writing to each repartition
     */
    public static Topology build(StreamsSettings settings, TopologySerdes serdes, int rawPartitions) {
        StreamsBuilder builder = new StreamsBuilder();
        for (TapwireTopic published : PUBLISHED) {
            serdes.publishes(settings.topic(published), published.valueClass());
        }
        KStream<String, ProcessEvent> processEvents =
                raw(builder, settings, serdes, TapwireTopic.RAW_PROCESS, ProcessEvent.class, ProcessEvent::getHeader);
        KStream<String, NodeInventory> inventory =
                raw(builder, settings, serdes, TapwireTopic.RAW_INVENTORY, NodeInventory.class, NodeInventory::getHeader);
        KStream<String, TcpEvent> tcp =
                raw(builder, settings, serdes, TapwireTopic.RAW_TCP, TcpEvent.class, TcpEvent::getHeader);

        ProcessRegistry.Outputs registry = ProcessRegistry.build(builder, processEvents, inventory,
                ConnectionTracker.build(builder, tcp, serdes, settings.connectionIdleTimeout()), serdes,
                settings.processExitGrace(), settings.restarts(), settings.processPublishInterval(), rawPartitions);
        registry.published().to(settings.topic(TapwireTopic.PROCESSES),
                Produced.with(Serdes.String(), serdes.of(ProcessInfo.class)));
        registry.events().to(settings.topic(TapwireTopic.EVENTS), Produced.with(Serdes.String(), serdes.of(ServiceEvent.class)));
        KStream<String, SocketChange> sockets = registry.sockets();

        KStream<String, ListenerInfo> listeners = ListenerRegistry.build(builder, inventory, sockets, serdes, rawPartitions);
        published(listeners).to(settings.topic(TapwireTopic.LISTENERS),
                Produced.with(Serdes.String(), serdes.of(ListenerInfo.class)));

        KStream<String, PayloadEvent> payloads =
                raw(builder, settings, serdes, TapwireTopic.RAW_L7, PayloadEvent.class, PayloadEvent::getHeader);
        PayloadParsing.Outputs parsed = PayloadParsing.parse(builder, payloads, settings.connectionIdleTimeout(),
                serdes.of(PayloadEvent.class).serializer());
        parsed.unparseable().to(settings.topic(TapwireTopic.DLQ), Produced.with(Serdes.String(), serdes.of(DeadLetter.class)));
        ConnectionResolver.Outputs resolution = ConnectionResolver.build(builder, sockets,
                ListenerIndex.changes(listeners, serdes), parsed.dnsAnswers(), serdes, settings.pairingWindow(),
                settings.dnsNameRetention(), rawPartitions);
        KStream<String, SocketChange> connections = resolution.connections();

        TcpMetrics.Outputs tcpMetrics = TcpMetrics.build(builder, connections, serdes, settings.windows(), rawPartitions);
        tcpMetrics.metrics().to(settings.topic(TapwireTopic.TCP_METRICS), Produced.with(Serdes.String(), serdes.of(TcpMetric.class)));
        tcpMetrics.deadLetters().to(settings.topic(TapwireTopic.DLQ), Produced.with(Serdes.String(), serdes.of(DeadLetter.class)));

        RequestNaming.Outputs requests = RequestNaming.build(builder, parsed.requests(), resolution.names(),
                sockets, registry.processes(), serdes, settings.l7NameWait(), settings.connectionIdleTimeout(), settings.resourceLabels(),
                rawPartitions);
        requests.all().filterNot(HeartbeatMarker::is, Named.as("l7-requests-published"))
                .to(settings.topic(TapwireTopic.L7_REQUESTS), Produced.with(Serdes.String(), serdes.of(L7Request.class)));
        L7Metrics.Outputs l7Metrics = L7Metrics.build(builder, List.of(
                        new L7Metrics.Input("named", requests.byConnection()),
                        new L7Metrics.Input("by-process", requests.byProcess())),
                serdes, settings.windows(), rawPartitions);
        l7Metrics.metrics().to(settings.topic(TapwireTopic.L7_METRICS), Produced.with(Serdes.String(), serdes.of(L7Metric.class)));
        l7Metrics.deadLetters().to(settings.topic(TapwireTopic.DLQ), Produced.with(Serdes.String(), serdes.of(DeadLetter.class)));

        ServiceGraph.build(builder, connections, l7Metrics.countedFinals(), serdes,
                        java.time.Duration.ofMillis(settings.windows().updateIntervalMs()), settings.edgeFlushInterval(),
                        settings.edgeRetention(), rawPartitions)
                .to(settings.topic(TapwireTopic.SERVICE_EDGES), Produced.with(Serdes.String(), serdes.of(ServiceEdge.class)));
        return builder.build();
    }

    /** A table's changes without the heartbeat markers that tell the lookups downstream how far it has got. */
    private static <V> KStream<String, V> published(KStream<String, V> changes) {
        return changes.filterNot(HeartbeatMarker::is);
    }

    /** A raw topic, decoded and deduplicated. */
    private static <V extends SpecificRecord> KStream<String, V> raw(StreamsBuilder builder, StreamsSettings settings,
                                                                     TopologySerdes serdes, TapwireTopic topic,
                                                                     Class<V> type, Function<V, RawHeader> header) {
        String name = settings.topic(topic);
        KStream<String, V> decoded = RawDecoding.decode(
                builder.stream(name, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-" + name)),
                serdes.of(type).deserializer(), settings.topic(TapwireTopic.DLQ), serdes.of(DeadLetter.class), name);
        return RawDeduplication.deduplicate(builder, decoded, "dedup-blocks-" + name, header, settings.dedupRetention());
    }
}
