package io.tapwire.api.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.tapwire.api.query.TimeRange;

/**
 * The latest value of every key of the compacted {@code tapwire.service.edges.v1}; a tombstone (the topology's edge
 * retention) removes the edge. One thread writes; any number read.
 */
public final class EdgeStore {

    private final Map<String, Edge> edges = new ConcurrentHashMap<>();

    public void put(String key, Edge edge) {
        edges.put(key, edge);
    }

    public void remove(String key) {
        edges.remove(key);
    }

    /** The edges whose first and last sight overlap the range. */
    public List<Edge> seenIn(TimeRange range) {
        long fromMs = range.fromMs();
        long toMs = range.toMs();
        List<Edge> seen = new ArrayList<>();
        for (Edge edge : edges.values()) {
            if (edge.seenIn(fromMs, toMs)) {
                seen.add(edge);
            }
        }
        return seen;
    }

    public boolean involves(String service) {
        for (Edge edge : edges.values()) {
            if (edge.clientService().equals(service) || edge.serverService().equals(service)) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return edges.size();
    }
}
