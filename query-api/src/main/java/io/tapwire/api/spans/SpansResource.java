package io.tapwire.api.spans;

import java.time.Instant;
import java.util.List;

import io.tapwire.api.ApiError;
import io.tapwire.api.ReadModels;
import io.tapwire.api.query.Parameters;
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

/** Span search over the API's span store (the recent part of {@code tapwire.l7.requests.v1}). */
@Path("/api/v1/spans")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "spans", description = "Requests and responses seen on the wire, one per observed side")
public class SpansResource {

    /** The response body: {@code {"items": [...]}}, newest first. */
    @Schema(name = "SpanList")
    public record SpanList(@Schema(description = "The spans, newest first") List<SpanView> items) {
    }

    private final ReadModels readModels;
    private final ServiceGraphQuery services;

    public SpansResource(ReadModels readModels, ServiceGraphQuery services) {
        this.readModels = readModels;
        this.services = services;
    }

    @GET
    @Operation(summary = "Search spans",
            description = "Spans that started in [from, to] and match every given filter, newest first. The API keeps "
                    + "the spans of the last tapwire.api.spans.retention (event time) only.")
    @APIResponse(responseCode = "200", description = "The matching spans",
            content = @Content(schema = @Schema(implementation = SpanList.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; the error names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public SpanList search(
            @Parameter(description = "Service id, as client or as server; it must be known to the API")
            @QueryParam("service") String service,
            @Parameter(description = "Protocol token: http, http2, grpc, postgres, mysql, redis, memcached, mongo, "
                    + "cassandra, kafka, rabbitmq, nats, dns") @QueryParam("protocol") String protocol,
            @Parameter(description = "Status as the protocol states it (200, ok, failed, nxdomain, ...)")
            @QueryParam("status") String status,
            @Parameter(description = "Only spans at least this long, milliseconds (decimals allowed)")
            @QueryParam("minDurationMs") String minDurationMs,
            @Parameter(description = "Earliest start, ISO-8601 with a zone; default: 15 minutes before to")
            @QueryParam("from") String from,
            @Parameter(description = "Latest start, ISO-8601 with a zone; default: now") @QueryParam("to") String to,
            @Parameter(description = "Most spans answered, 1 to 1000; default 100") @QueryParam("limit") String limit) {
        Parameters.knownService("service", service, s -> services.knows(s) || hasSpans(s));
        SpanQuery query = SpanQuery.parse(service, protocol, status, minDurationMs, from, to, limit, Instant.now());
        List<SpanView> items = readModels.spans()
                .newestFirst(query.fromNs(), query.toNs(), query.filter(), query.limit())
                .stream().map(SpanView::of).toList();
        return new SpanList(items);
    }

    private boolean hasSpans(String service) {
        return !readModels.spans().newestFirst(Long.MIN_VALUE, Long.MAX_VALUE,
                span -> service.equals(span.clientService()) || service.equals(span.serverService()), 1).isEmpty();
    }
}
