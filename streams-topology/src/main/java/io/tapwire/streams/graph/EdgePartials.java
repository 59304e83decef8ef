package io.tapwire.streams.graph;

import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.streams.connections.ConnectionResolver;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * In the connection resolver's task: adds the resolved connection changes up per edge (client service, server
 * service) into a partial {@link ServiceEdge} (protocol {@code tcp}, first and last seen, connects, failed connects)
 * and sends each partial, keyed by edge, whenever event time enters a new update interval: one record per busy edge
 * and interval crosses the repartition to the edge's task, not one per change. Every figure of an edge is
 * order-independent, so the edges {@link EdgeAggregator} folds from the partials are those it folded from the
 * changes. Heartbeats come out as {@link HeartbeatMarker}s, so that time passes on through the repartition.
 *
 * <p>The partials not yet sent are in a store ({@link io.tapwire.streams.store.CommitTimeStore}): a restart sends
 * them at its first interval's end.
 */
final class EdgePartials implements Processor<String, SocketChange, String, ServiceEdge> {

    private final String storeName;
    private final long intervalMs;
    private long timeMs = Long.MIN_VALUE;
    private ProcessorContext<String, ServiceEdge> context;
    private KeyValueStore<String, ServiceEdge> partials;
    /** Edge keys of the partials not yet sent. */
    private final List<String> pending = new ArrayList<>();

    EdgePartials(String storeName, long intervalMs) {
        this.storeName = storeName;
        this.intervalMs = intervalMs;
    }

    @Override
    public void init(ProcessorContext<String, ServiceEdge> context) {
        this.context = context;
        this.partials = context.getStateStore(storeName);
        try (KeyValueIterator<String, ServiceEdge> it = partials.all()) {
            it.forEachRemaining(entry -> pending.add(entry.key));
        }
    }

    @Override
    public void process(Record<String, SocketChange> record) {
        long timestamp = record.timestamp();
        if (timestamp > timeMs) {
            // After a restart, the partials restored wait for the first interval's end.
            if (!pending.isEmpty() && timeMs != Long.MIN_VALUE
                    && Math.floorDiv(timestamp, intervalMs) != Math.floorDiv(timeMs, intervalMs)) {
                send();
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
            pending.add(key);
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

    /**
     * Every partial, stamped with the latest time this step was given before the record that sends them (at or after
     * every change they hold); then none is pending.
     */
    private void send() {
        for (String key : pending) {
            ServiceEdge partial = partials.get(key);
            partials.delete(key);
            context.forward(new Record<>(key, partial, timeMs));
        }
        pending.clear();
    }
}
