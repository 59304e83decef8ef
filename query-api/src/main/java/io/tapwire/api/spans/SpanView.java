package io.tapwire.api.spans;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One span as {@code GET /api/v1/spans} shows it. */
@Schema(name = "Span")
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
        @Schema(description = "Request to last response byte, milliseconds", examples = "12.5") double durationMs) {

    static SpanView of(Span span) {
        return new SpanView(span.side(), span.clientService(), span.serverService(), span.destination(),
                span.protocol(), span.operation(), span.resource(), span.status(), span.error(),
                Instant.ofEpochSecond(0, span.startNs()).toString(), span.durationNs() / 1_000_000.0);
    }
}
