package io.tapwire.api.counters;

/**
 * Cumulative TCP counts of one (client, destination, server) of {@code tapwire.tcp.metrics.v1}, summed over its final
 * windows, and the active connections of its latest final window (a gauge).
 *
 * @param activeWindowStartMs start of the window {@code activeConnections} comes from
 */
public record TcpEntry(String clientService, String destination, String serverService, long successfulConnects,
                       long failedConnects, long connectTimeNanos, long retransmits, long bytesSent,
                       long bytesReceived, long activeWindowStartMs, long activeConnections) {
}
