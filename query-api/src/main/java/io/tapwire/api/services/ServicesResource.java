package io.tapwire.api.services;

import java.time.Instant;
import java.util.List;

import io.tapwire.api.ApiError;
import io.tapwire.api.UnknownServiceException;
import io.tapwire.api.query.TimeRange;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The services seen on the wire and in the process inventory, with what they served and asked for. */
@Path("/api/v1/services")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "services", description = "Services with their kind, nodes and RED figures over a time range")
public class ServicesResource {

    /** The response body of the list: {@code {"items": [...]}}, sorted by service id. */
    @Schema(name = "ServiceList")
    public record ServiceList(@Schema(description = "The services, sorted by id") List<ServiceView> items) {
    }

    private final ServiceGraphQuery query;

    public ServicesResource(ServiceGraphQuery query) {
        this.query = query;
    }

    @GET
    @Operation(summary = "List services",
            description = "Every service seen in [from, to) in the processes, the service edges or the L7 and TCP "
                    + "metric windows, sorted by id. inbound counts the requests it served, outbound those it made, "
                    + "each request once (the counting side's windows: the client's, or the server's where the "
                    + "client was not observed). A window belongs to the range when its start does.")
    @APIResponse(responseCode = "200", description = "The services",
            content = @Content(schema = @Schema(implementation = ServiceList.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; the error names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ServiceList list(@Parameter(description = TimeRange.FROM_DESCRIPTION) @QueryParam("from") String from,
                            @Parameter(description = TimeRange.TO_DESCRIPTION) @QueryParam("to") String to) {
        return new ServiceList(query.services(TimeRange.parse(from, to, Instant.now())));
    }

    @GET
    @Path("{service: .+}")
    @Operation(summary = "One service",
            description = "The service as in the list, over [from, to); zeros when it was quiet in the range.")
    @APIResponse(responseCode = "200", description = "The service",
            content = @Content(schema = @Schema(implementation = ServiceView.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; the error names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No read model knows the service",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ServiceView one(
            @Parameter(description = "Service id, URL-encoded (/host/nginx as %2Fhost%2Fnginx)", required = true)
            @PathParam("service") String service,
            @Parameter(description = TimeRange.FROM_DESCRIPTION) @QueryParam("from") String from,
            @Parameter(description = TimeRange.TO_DESCRIPTION) @QueryParam("to") String to) {
        TimeRange range = TimeRange.parse(from, to, Instant.now());
        return query.service(service, range).orElseThrow(() -> new UnknownServiceException("service",
                "no read model knows the service '" + service + "'; GET /api/v1/services lists them"));
    }
}
