package io.tapwire.streams.graph;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.streams.sync.EventClock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds the connections' partial edges ({@link EdgePartials}) and the counting side's final L7 metric records into
 * edges. Every figure of an edge is order-independent (sums, minimum and maximum event time, a set of protocols), so
 * the latest value of a key is the same in any replay. A new edge, or one with a new protocol, is emitted at once;
 * other changes mark the edge dirty, and a punctuation on stream time emits dirty edges every flush interval, so a
 * busy edge is not written once per packet count. The record timestamp is the edge's last-seen time. An edge not
 * seen for the retention is removed and tombstoned, so the compacted topic holds the graph of the retention, not of
 * all time.
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
        if (record.value() instanceof ServiceEdge partial) {
            aggregate(record.key(), partial);
        } else if (record.value() instanceof L7Metric metric) {
            aggregate(record.key(), ServiceEdge.newBuilder().setClientService(metric.getClientService())
                    .setServerService(metric.getServerService()).setProtocols(List.of(metric.getProtocol()))
                    .setFirstSeenEpochMs(record.timestamp()).setLastSeenEpochMs(record.timestamp())
                    .setRequests(metric.getRequests()).setErrors(metric.getErrors()).build());
        }
        if (due) {
            flush();
        }
    }

    /** Folds one contribution to the edge {@code key} in: its protocols, its first and last seen times, its counts. */
    private void aggregate(String key, ServiceEdge contribution) {
        ServiceEdge before = edges.get(key);
        ServiceEdge.Builder edge = before == null ? ServiceEdge.newBuilder(contribution) : ServiceEdge.newBuilder(before);
        TreeSet<String> protocols = new TreeSet<>(edge.getProtocols());
        int known = before == null ? 0 : protocols.size();
        protocols.addAll(contribution.getProtocols());
        boolean newProtocol = protocols.size() > known;
        edge.setProtocols(new ArrayList<>(protocols));
        if (before != null) {
            edge.setFirstSeenEpochMs(Math.min(edge.getFirstSeenEpochMs(), contribution.getFirstSeenEpochMs()))
                    .setLastSeenEpochMs(Math.max(edge.getLastSeenEpochMs(), contribution.getLastSeenEpochMs()))
                    .setConnects(edge.getConnects() + contribution.getConnects())
                    .setFailedConnects(edge.getFailedConnects() + contribution.getFailedConnects())
                    .setRequests(edge.getRequests() + contribution.getRequests())
                    .setErrors(edge.getErrors() + contribution.getErrors());
        }
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
