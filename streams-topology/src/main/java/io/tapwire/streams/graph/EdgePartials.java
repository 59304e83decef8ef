package io.tapwire.streams.graph;

import java.util.List;

import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.streams.connections.ConnectionResolver;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.window.PendingPartials;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * In the connection resolver's task: adds the resolved connection changes up per edge (client service, server
 * service) into a partial {@link ServiceEdge} (protocol {@code tcp}, first and last seen, connects, failed connects)
 * and sends each partial, keyed by edge, whenever event time enters a new update interval: one record per busy edge
 * and interval crosses the repartition to the edge's task, not one per change. Every figure of an edge is
 * order-independent, so the edges {@link EdgeAggregator} folds from the partials are those it folded from the
 * changes. Heartbeats come out as {@link HeartbeatMarker}s, so that time passes on through the repartition.
 *
 * <p>The partials not yet sent are in a store ({@link PendingPartials}): a restart sends them at its first
 * interval's end.
 */
final class EdgePartials implements Processor<String, SocketChange, String, ServiceEdge> {

    private final String storeName;
    private final long intervalMs;
    private long timeMs = Long.MIN_VALUE;
    private ProcessorContext<String, ServiceEdge> context;
    /** By edge key. */
    private PendingPartials<ServiceEdge> partials;

    EdgePartials(String storeName, long intervalMs) {
        this.storeName = storeName;
        this.intervalMs = intervalMs;
    }

    @Override
    public void init(ProcessorContext<String, ServiceEdge> context) {
        this.context = context;
        this.partials = new PendingPartials<>(context.getStateStore(storeName), intervalMs);
    }

    @Override
    public void process(Record<String, SocketChange> record) {
        long timestamp = record.timestamp();
        if (timestamp > timeMs) {
            if (!partials.isEmpty() && partials.entersNewInterval(timeMs, timestamp)) {
                // stamped with the latest time before this record: at or after every change they hold
                partials.sendAll((key, partial) -> context.forward(new Record<>(key, partial, timeMs)));
            }
            timeMs = timestamp;
        }
        SocketChange change = record.value();
        if (ConnectionTracker.isHeartbeat(change)) {
            context.forward(new Record<>(HeartbeatMarker.KEY, null, timestamp));
            return;
        }
        String key = new ServiceEdgeKey(change.getClientService(), change.getServerService()).format();
        ServiceEdge partial = partials.get(key);
        if (partial == null) {
            partial = ServiceEdge.newBuilder().setClientService(change.getClientService())
                    .setServerService(change.getServerService()).setProtocols(List.of(ServiceGraph.TCP))
                    .setFirstSeenEpochMs(timestamp).setLastSeenEpochMs(timestamp).build();
            partials.open(key, partial);
        }
        partial.setFirstSeenEpochMs(Math.min(partial.getFirstSeenEpochMs(), timestamp));
        partial.setLastSeenEpochMs(Math.max(partial.getLastSeenEpochMs(), timestamp));
        if (ConnectionResolver.isConnect(change)) {
            partial.setConnects(partial.getConnects() + 1);
        }
        if (change.getFailedConnect()) {
            partial.setFailedConnects(partial.getFailedConnects() + 1);
        }
        partials.put(key, partial);
    }
}
