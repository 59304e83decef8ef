package io.tapwire.api.series;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code GET /api/v1/metrics/l7}. */
@Schema(name = "L7SeriesList", description = "L7 time series")
public record L7SeriesList(
        @Schema(description = "The step, ISO-8601", examples = "PT1M") String step,
        @Schema(description = "The series with windows in the range, sorted by client, server, protocol, side")
        List<Series> series) {

    @Schema(name = "L7Series", description = "The requests of one client, server, protocol and observed side")
    public record Series(
            @Schema(description = "Service id of the client") String client,
            @Schema(description = "Service id of the server") String server,
            @Schema(description = "Protocol token") String protocol,
            @Schema(description = "Which end observed the requests", enumeration = {"client", "server"}) String side,
            @Schema(description = "One point per step from the step holding from to the one holding to, oldest "
                    + "first; zeros where no window is") List<L7Point> points) {
    }
}
