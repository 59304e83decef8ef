package io.tapwire.api.services;

import java.util.List;

import io.tapwire.api.query.Rounding;
import io.tapwire.api.windows.LatencyPercentiles;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The service map over a range. */
@Schema(name = "ServiceMap", description = "Who talks to whom over the range")
public record ServiceMapView(
        @Schema(description = "Every service at an end of an edge or with a process in the range, sorted by id")
        List<Node> nodes,
        @Schema(description = "Edges seen in the range, sorted by client then server") List<EdgeView> edges) {

    @Schema(name = "ServiceMapNode", description = "A service on the map")
    public record Node(
            @Schema(description = "Service id") String id,
            @Schema(description = "As Service.kind", enumeration = {"kubernetes", "container", "systemd", "host",
                    "unknown", "external"}) String kind,
            @Schema(description = "Whether no process of it is known") boolean external) {
    }

    @Schema(name = "ServiceMapEdge", description = "A client → server edge with its figures over the range")
    public record EdgeView(
            @Schema(description = "Service id of the client") String client,
            @Schema(description = "Service id of the server") String server,
            @Schema(description = "Protocol tokens seen on the edge, sorted; tcp when TCP connections were seen")
            List<String> protocols,
            @Schema(description = "Requests in the range, each counted once") long requests,
            @Schema(description = "Requests that count as errors") long errors,
            @Schema(description = "Requests divided by the range's length in seconds, four significant digits") double requestsPerSecond,
            @Schema(description = "Errors per request, four significant digits; 0 when there were no requests") double errorRate,
            @Schema(nullable = true) LatencyPercentiles latencyMs,
            TcpView tcp) {

        /** Rates to {@link Rounding#DIGITS} significant digits. */
        public EdgeView {
            requestsPerSecond = Rounding.significant(requestsPerSecond);
            errorRate = Rounding.significant(errorRate);
        }
    }
}
