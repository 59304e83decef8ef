package io.tapwire.api.series;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code GET /api/v1/metrics/tcp}. */
@Schema(name = "TcpSeriesList", description = "TCP time series")
public record TcpSeriesList(
        @Schema(description = "The step, ISO-8601", examples = "PT1M") String step,
        @Schema(description = "The series with windows in the range, sorted by client, server") List<Series> series) {

    @Schema(name = "TcpSeries", description = "The TCP figures of one client and server")
    public record Series(
            @Schema(description = "Service id of the client (its IP address when the client was not observed)")
            String client,
            @Schema(description = "Service id of the server") String server,
            @Schema(description = "One point per step, oldest first; zeros where no window is") List<TcpPoint> points) {
    }
}
