package io.tapwire.streams.graph;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.tapwire.schemas.derived.L7Metric;
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
 * Folds connection changes and the counting side's final L7 metric records into edges. Every figure of an edge is order-independent (sums, minimum and maximum
 * event time, a set of protocols), so the latest value of a key is the same in any replay. A new edge, or one
 * with a new protocol, is emitted at once; other changes mark the edge dirty, and a punctuation on stream time
 * emits dirty edges every flush interval, so a busy edge is not written once per packet count. The record
 * timestamp is the edge's last-seen time. An edge not seen for the retention is removed and tombstoned, so the
 * compacted topic holds the graph of the retention, not of all time.
 */
final class EdgeAggregator implements Processor<String, Object, String, ServiceEdge> {

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
    public void process(Record<String, Object> record) {
        boolean due = clock.advance(record.timestamp());
        if (record.value() instanceof SocketChange change && !ConnectionTracker.isHeartbeat(change)) {
            aggregate(record.key(), record.timestamp(), change.getClientService(), change.getServerService(),
                    ServiceGraph.TCP, edge -> {
                        if (ConnectionResolver.isConnect(change)) {
                            edge.setConnects(edge.getConnects() + 1);
                        }
                        if (change.getFailedConnect()) {
                            edge.setFailedConnects(edge.getFailedConnects() + 1);
                        }
                    });
        } else if (record.value() instanceof L7Metric metric) {
            aggregate(record.key(), record.timestamp(), metric.getClientService(), metric.getServerService(),
                    metric.getProtocol(), edge -> edge.setRequests(edge.getRequests() + metric.getRequests())
                            .setErrors(edge.getErrors() + metric.getErrors()));
        }
        if (due) {
            flush();
        }
    }

    /** Folds one observation of the edge {@code key} in: seen at {@code seen}, on {@code protocol}, counted by {@code count}. */
    private void aggregate(String key, long seen, String clientService, String serverService, String protocol,
                           Consumer<ServiceEdge.Builder> count) {
        ServiceEdge before = edges.get(key);
        ServiceEdge.Builder edge = before == null
                ? ServiceEdge.newBuilder().setClientService(clientService)
                        .setServerService(serverService).setFirstSeenEpochMs(seen).setLastSeenEpochMs(seen)
                : ServiceEdge.newBuilder(before);
        TreeSet<String> protocols = new TreeSet<>(edge.hasProtocols() ? edge.getProtocols() : List.of());
        boolean newProtocol = protocols.add(protocol);
        edge.setProtocols(new ArrayList<>(protocols))
                .setFirstSeenEpochMs(Math.min(edge.getFirstSeenEpochMs(), seen))
                .setLastSeenEpochMs(Math.max(edge.getLastSeenEpochMs(), seen));
        count.accept(edge);
        ServiceEdge after = edge.build();
        if (after.equals(before)) {
            return;
        }
        edges.put(key, after);
        if (before == null || newProtocol) {
            dirty.delete(key);
            emit(key, after);
        } else {
            dirty.put(key, after.getLastSeenEpochMs());
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
