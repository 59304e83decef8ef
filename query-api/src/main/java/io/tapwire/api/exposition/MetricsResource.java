package io.tapwire.api.exposition;

import io.tapwire.api.ReadModels;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /metrics}: the cumulative counters as a Prometheus exposition in Coroot's metric families. */
@Path("/metrics")
@Tag(name = "metrics", description = "Prometheus exposition compatible with the Coroot node agent's metrics")
public class MetricsResource {

    private final ReadModels readModels;

    public MetricsResource(ReadModels readModels) {
        this.readModels = readModels;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "Prometheus exposition (text format 0.0.4)",
            description = "L7 request counters and latency histograms per protocol (outbound by client, inbound by "
                    + "server), TCP connection metrics, OOM kills, the running services (container_info) and their "
                    + "listen addresses, named and labelled as the Coroot node agent's. Counters never go backwards, "
                    + "also across restarts of the API.")
    public Response metrics() {
        CorootExposition.Inventory inventory = new CorootExposition.Inventory(readModels.directory().running(),
                readModels.listeners().addressesByService());
        return Response.ok(CorootExposition.render(readModels.counters(), inventory), CorootExposition.CONTENT_TYPE)
                .build();
    }
}
