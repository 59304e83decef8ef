package io.tapwire.api.services;

import java.time.Instant;

import io.tapwire.api.ApiError;
import io.tapwire.api.query.TimeRange;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The service map: who talks to whom, how much, how fast, how often in error. */
@Path("/api/v1/service-map")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "services")
public class ServiceMapResource {

    private final ServiceGraphQuery query;

    public ServiceMapResource(ServiceGraphQuery query) {
        this.query = query;
    }

    @GET
    @Operation(summary = "Service map",
            description = "Nodes and edges over [from, to). Edges are those of tapwire.service.edges.v1 seen in the "
                    + "range, and pairs with L7 or TCP windows in the range that the edges topic does not hold yet; "
                    + "their figures are summed over the counting side's L7 windows (each request once) and the TCP "
                    + "windows of the range.")
    @APIResponse(responseCode = "200", description = "The service map",
            content = @Content(schema = @Schema(implementation = ServiceMapView.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; the error names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ServiceMapView serviceMap(@Parameter(description = TimeRange.FROM_DESCRIPTION) @QueryParam("from") String from,
                                     @Parameter(description = TimeRange.TO_DESCRIPTION) @QueryParam("to") String to) {
        return query.serviceMap(TimeRange.parse(from, to, Instant.now()));
    }
}
