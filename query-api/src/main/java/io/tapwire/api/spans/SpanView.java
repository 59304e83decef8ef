package io.tapwire.api.spans;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One span as {@code GET /api/v1/spans} shows it. */
@Schema(name = "Span", description = "A request and its response seen from one side")
public record SpanView(
        @Schema(description = "Which end observed the exchange", enumeration = {"client", "server", "unknown"})
        String side,
        @Schema(description = "Service id of the client", examples = "/system.slice/api.service") String clientService,
        @Schema(description = "Service id of the server (an external one by DNS name or ip:port)") String serverService,
        @Schema(description = "ip:port the client connected to", examples = "10.0.0.1:5432") String destination,
        @Schema(description = "Protocol token", examples = "postgres") String protocol,
        @Schema(description = "Method or command", examples = "SELECT", nullable = true) String operation,
        @Schema(description = "What was asked for: HTTP path, SQL statement, first key, DNS name", nullable = true)
        String resource,
        @Schema(description = "Status as the protocol states it: HTTP code, ok/failed, DNS RCODE name", examples = "200")
        String status,
        @Schema(description = "Whether the exchange counts as an error") boolean error,
        @Schema(description = "First request byte, ISO-8601 UTC with nanoseconds", examples = "2026-01-31T12:00:00.123456789Z")
        String startTime,
        @Schema(description = "Request to last response byte, milliseconds", examples = "12.5") double durationMs,
        @Schema(description = "Request to first response byte, milliseconds; null when not observed", nullable = true)
        Double firstByteMs,
        @Schema(description = "Bytes of the request", nullable = true) Long requestBytes,
        @Schema(description = "Bytes of the response", nullable = true) Long responseBytes,
        @Schema(description = "The observed connection: cluster/node/bootId/socketInode (percent-encoded parts), the "
                + "key of tapwire.l7.requests.v1", examples = "prod/node-1/3f2a.../81234", nullable = true)
        String connectionId,
        @Schema(description = "Node of the observing collector", nullable = true) String node,
        @Schema(description = "Process on the observed side that did the I/O", nullable = true) Integer pid,
        @Schema(description = "The protocol's error (PostgreSQL SQLSTATE and message, MySQL code and message, Redis or "
                + "Memcached error line); null when there was none", nullable = true) String errorDetail) {

    static SpanView of(Span span) {
        Span.Detail d = span.detail();
        return new SpanView(span.side(), span.clientService(), span.serverService(), span.destination(),
                span.protocol(), span.operation(), span.resource(), span.status(), span.error(),
                Instant.ofEpochSecond(0, span.startNs()).toString(), span.durationNs() / 1_000_000.0,
                d == null || d.firstByteNs() == null ? null : d.firstByteNs() / 1_000_000.0,
                d == null ? null : d.requestBytes(), d == null ? null : d.responseBytes(),
                d == null ? null : d.connectionId(), d == null ? null : d.node(), d == null ? null : d.pid(),
                d == null ? null : d.errorDetail());
    }
}
