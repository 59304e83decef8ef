package io.tapwire.api.graph;

import io.tapwire.api.read.ServiceNames;
import java.util.List;

import io.tapwire.schemas.derived.ServiceEdge;

/** An edge of the service graph as {@code tapwire.service.edges.v1} last stated it. */
public record Edge(String clientService, String serverService, List<String> protocols, long firstSeenMs,
                   long lastSeenMs) {

    public static Edge of(ServiceEdge edge) {
        return new Edge(ServiceNames.intern(edge.getClientService()), ServiceNames.intern(edge.getServerService()),
                List.copyOf(edge.getProtocols()),
                edge.getFirstSeenEpochMs(), edge.getLastSeenEpochMs());
    }

    /** Whether the edge was seen at some time in {@code [fromMs, toMs)}, as far as its first and last sight tell. */
    public boolean seenIn(long fromMs, long toMs) {
        return firstSeenMs < toMs && lastSeenMs >= fromMs;
    }
}
