package io.tapwire.streams.graph;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.streams.connections.ConnectionResolver;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.sync.EventClock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds connection changes into edges. Every figure of an edge is order-independent (sums, minimum and maximum
 * event time, a set of protocols), so the latest value of a key is the same in any replay. A new edge, or one
 * with a new protocol, is emitted at once; other changes mark the edge dirty, and a punctuation on stream time
 * emits dirty edges every flush interval, so a busy edge is not written once per packet count. The record
 * timestamp is the edge's last-seen time. An edge not seen for the retention is removed and tombstoned, so the
 * compacted topic holds the graph of the retention, not of all time.
 */
final class EdgeAggregator implements Processor<String, SocketChange, String, ServiceEdge> {

    private ProcessorContext<String, ServiceEdge> context;
    private KeyValueStore<String, ServiceEdge> edges;
    private KeyValueStore<String, Long> dirty;
    /** Event time of the released records; the flush is due once per interval of it. */
    private final EventClock clock;

    private final long retentionMs;

    EdgeAggregator(Duration flushInterval, Duration retention) {
        this.clock = new EventClock(flushInterval.toMillis());
        this.retentionMs = retention.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, ServiceEdge> context) {
        this.context = context;
        this.edges = context.getStateStore(ServiceGraph.EDGES_STORE);
        this.dirty = context.getStateStore(ServiceGraph.DIRTY_STORE);
    }

    @Override
    public void process(Record<String, SocketChange> record) {
        boolean due = clock.advance(record.timestamp());
        SocketChange change = record.value();
        if (change != null && !ConnectionTracker.isHeartbeat(change)) {
            aggregate(record, change);
        }
        if (due) {
            flush();
        }
    }

    private void aggregate(Record<String, SocketChange> record, SocketChange change) {
        long seen = record.timestamp();
        ServiceEdge before = edges.get(record.key());
        ServiceEdge.Builder edge = before == null
                ? ServiceEdge.newBuilder().setClientService(change.getClientService())
                        .setServerService(change.getServerService()).setFirstSeenEpochMs(seen).setLastSeenEpochMs(seen)
                : ServiceEdge.newBuilder(before);
        TreeSet<String> protocols = new TreeSet<>(edge.hasProtocols() ? edge.getProtocols() : List.of());
        boolean newProtocol = protocols.add(ServiceGraph.TCP);
        edge.setProtocols(new ArrayList<>(protocols))
                .setFirstSeenEpochMs(Math.min(edge.getFirstSeenEpochMs(), seen))
                .setLastSeenEpochMs(Math.max(edge.getLastSeenEpochMs(), seen));
        if (ConnectionResolver.isConnect(change)) {
            edge.setConnects(edge.getConnects() + 1);
        }
        if (change.getFailedConnect()) {
            edge.setFailedConnects(edge.getFailedConnects() + 1);
        }
        ServiceEdge after = edge.build();
        if (after.equals(before)) {
            return;
        }
        edges.put(record.key(), after);
        if (before == null || newProtocol) {
            dirty.delete(record.key());
            emit(record.key(), after);
        } else {
            dirty.put(record.key(), after.getLastSeenEpochMs());
        }
    }

    private void flush() {
        expire(clock.timeMs() - retentionMs);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dirty.all()) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        for (String key : keys) {
            dirty.delete(key);
            ServiceEdge edge = edges.get(key);
            if (edge != null) {
                emit(key, edge);
            }
        }
    }

    /** Removes, with a tombstone, the edges last seen before {@code cutoffMs}. */
    private void expire(long cutoffMs) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, ServiceEdge> it = edges.all()) {
            it.forEachRemaining(entry -> {
                if (entry.value.getLastSeenEpochMs() < cutoffMs) {
                    stale.add(entry.key);
                }
            });
        }
        for (String key : stale) {
            edges.delete(key);
            dirty.delete(key);
            context.forward(new Record<>(key, (ServiceEdge) null, clock.timeMs()));
        }
    }

    private void emit(String key, ServiceEdge edge) {
        context.forward(new Record<>(key, edge, edge.getLastSeenEpochMs()));
    }
}
