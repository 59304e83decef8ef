package io.tapwire.api.events;

import java.time.Instant;
import java.util.List;

import io.tapwire.api.ApiError;
import io.tapwire.api.ReadModels;
import io.tapwire.api.query.Parameters;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.services.ServiceGraphQuery;
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

/** Notable events of services: OOM kills, crashes, restarts, exits with an error. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "events", description = "Notable events of services from tapwire.events.v1")
public class EventsResource {

    static final List<String> TYPES = List.of("oom_kill", "crash", "restart", "exit_error");
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** The response body: {@code {"items": [...]}}, newest first. */
    @Schema(name = "EventList")
    public record EventList(@Schema(description = "The events, newest first") List<EventView> items) {
    }

    private final ReadModels readModels;
    private final ServiceGraphQuery services;

    public EventsResource(ReadModels readModels, ServiceGraphQuery services) {
        this.readModels = readModels;
        this.services = services;
    }

    @GET
    @Operation(summary = "List events",
            description = "Events in [from, to] matching every given filter, newest first. The API keeps the events "
                    + "of the last tapwire.api.events.retention (event time) only.")
    @APIResponse(responseCode = "200", description = "The events",
            content = @Content(schema = @Schema(implementation = EventList.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; the error names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public EventList list(
            @Parameter(description = "Only events of this type: oom_kill, crash, restart, exit_error")
            @QueryParam("type") String type,
            @Parameter(description = "Only events of this service id; it must be known to the API")
            @QueryParam("service") String service,
            @Parameter(description = TimeRange.FROM_DESCRIPTION) @QueryParam("from") String from,
            @Parameter(description = TimeRange.TO_DESCRIPTION) @QueryParam("to") String to,
            @Parameter(description = "Most events answered, 1 to 1000; default 100") @QueryParam("limit") String limit) {
        TimeRange range = TimeRange.parse(from, to, Instant.now());
        String wantedType = Parameters.oneOf("type", type, TYPES);
        String wantedService = Parameters.knownService("service", service, s -> services.knows(s) || hasEvents(s));
        int most = Parameters.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        List<EventView> items = readModels.events().newestFirst(range.fromNs(), range.toNs(),
                        e -> (wantedType == null || wantedType.equals(e.type()))
                                && (wantedService == null || wantedService.equals(e.service())), most)
                .stream().map(EventView::of).toList();
        return new EventList(items);
    }

    private boolean hasEvents(String service) {
        return !readModels.events().newestFirst(Long.MIN_VALUE, Long.MAX_VALUE, e -> service.equals(e.service()), 1)
                .isEmpty();
    }
}
