package io.tapwire.api.series;

import java.time.Instant;
import java.util.Map;

import io.tapwire.api.windows.L7Totals;
import io.tapwire.api.windows.LatencyPercentiles;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The requests of one step of an L7 series. */
@Schema(name = "L7Point", description = "The requests of one step of an L7 series")
public record L7Point(
        @Schema(description = "Start of the step, ISO-8601 UTC (a multiple of the step since the epoch); the step "
                + "holds the windows starting in it") String time,
        @Schema(description = "Requests") long requests,
        @Schema(description = "Requests that count as errors") long errors,
        @Schema(nullable = true) LatencyPercentiles latencyMs,
        @Schema(description = "Requests by status label as Coroot's metrics have it: HTTP 1xx…5xx (unknown when no "
                + "response was read), DNS RCODE names, ok/failed/unknown for the others",
                examples = "{\"2xx\": 4, \"5xx\": 1}") Map<String, Long> byStatus) {

    static L7Point of(long startMs, L7Totals totals, Map<String, Long> byStatus) {
        return new L7Point(Instant.ofEpochMilli(startMs).toString(), totals.requests(), totals.errors(),
                totals.latency(), byStatus);
    }
}
