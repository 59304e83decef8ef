package io.tapwire.api.graph;

import java.util.List;

import io.tapwire.api.read.ServiceNames;
import io.tapwire.api.read.ServicePair;
import io.tapwire.schemas.derived.ServiceEdge;

/** An edge of the service graph as {@code tapwire.service.edges.v1} last stated it. */
public record Edge(ServicePair pair, List<String> protocols, long firstSeenMs, long lastSeenMs) {

    public Edge(String clientService, String serverService, List<String> protocols, long firstSeenMs,
                long lastSeenMs) {
        this(ServicePair.of(clientService, serverService), protocols, firstSeenMs, lastSeenMs);
    }

    public static Edge of(ServiceEdge edge) {
        return new Edge(edge.getClientService(), edge.getServerService(),
                edge.getProtocols().stream().map(ServiceNames::intern).toList(),
                edge.getFirstSeenEpochMs(), edge.getLastSeenEpochMs());
    }

    public String clientService() {
        return pair.client();
    }

    public String serverService() {
        return pair.server();
    }

    /** Whether the edge was seen at some time in {@code [fromMs, toMs)}, as far as its first and last sight tell. */
    public boolean seenIn(long fromMs, long toMs) {
        return firstSeenMs < toMs && lastSeenMs >= fromMs;
    }
}
