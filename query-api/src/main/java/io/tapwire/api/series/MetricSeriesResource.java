package io.tapwire.api.series;

import java.time.Instant;
import java.util.List;

import io.tapwire.api.ApiError;
import io.tapwire.api.Protocol;
import io.tapwire.api.ReadModels;
import io.tapwire.api.query.Parameters;
import io.tapwire.api.query.Step;
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

/** Time series of the L7 and TCP metric windows, for charts. */
@Path("/api/v1/metrics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "metrics", description = "Time series of the metric windows; the Prometheus exposition is at /metrics")
public class MetricSeriesResource {

    private static final String STEP = "Width of a point: ISO-8601 (PT30S) or 30s, 1m, 1h, 1d; at least 1s and at "
            + "most 11000 points; default: the smallest of 10s, 30s, 1m, 5m, 10m, 15m, 30m, 1h, 3h, 6h, 12h, 1d giving "
            + "at most 120 points. Ranges older than tapwire.api.metrics.window-retention have a resolution of 1 minute";
    private static final String CLIENT = "Only series of this client service id; it must be known to the API";
    private static final String SERVER = "Only series of this server service id; it must be known to the API";

    private final ReadModels readModels;
    private final ServiceGraphQuery services;

    public MetricSeriesResource(ReadModels readModels, ServiceGraphQuery services) {
        this.readModels = readModels;
        this.services = services;
    }

    @GET
    @Path("l7")
    @Operation(summary = "L7 request series",
            description = "Requests, errors, latency percentiles and requests by status label per step, one series "
                    + "per client, server, protocol and observed side (destinations and statuses added up), from the "
                    + "windows of tapwire.l7.metrics.v1 starting in [from, to).")
    @APIResponse(responseCode = "200", description = "The series",
            content = @Content(schema = @Schema(implementation = L7SeriesList.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; the error names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public L7SeriesList l7(
            @Parameter(description = CLIENT) @QueryParam("client") String client,
            @Parameter(description = SERVER) @QueryParam("server") String server,
            @Parameter(description = "Protocol token: http, http2, grpc, postgres, mysql, redis, memcached, mongo, "
                    + "cassandra, kafka, rabbitmq, nats, dns") @QueryParam("protocol") String protocol,
            @Parameter(description = "Which end observed the requests: client or server; default both (a request "
                    + "seen from both ends is then in two series)") @QueryParam("side") String side,
            @Parameter(description = TimeRange.FROM_DESCRIPTION) @QueryParam("from") String from,
            @Parameter(description = TimeRange.TO_DESCRIPTION) @QueryParam("to") String to,
            @Parameter(description = STEP) @QueryParam("step") String step) {
        TimeRange range = TimeRange.parse(from, to, Instant.now());
        return new L7SeriesQuery(Parameters.knownService("client", client, services::knows),
                Parameters.knownService("server", server, services::knows), Protocol.parameter("protocol", protocol),
                Parameters.oneOf("side", side, List.of("client", "server")), range, Step.parse(step, range))
                .run(readModels.l7Windows().series());
    }

    @GET
    @Path("tcp")
    @Operation(summary = "TCP connection series",
            description = "Connects, failed connects, retransmits, open connections, bytes and RTT per step, one "
                    + "series per client and server (destinations added up), from the windows of "
                    + "tapwire.tcp.metrics.v1 starting in [from, to).")
    @APIResponse(responseCode = "200", description = "The series",
            content = @Content(schema = @Schema(implementation = TcpSeriesList.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; the error names it",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public TcpSeriesList tcp(
            @Parameter(description = CLIENT) @QueryParam("client") String client,
            @Parameter(description = SERVER) @QueryParam("server") String server,
            @Parameter(description = TimeRange.FROM_DESCRIPTION) @QueryParam("from") String from,
            @Parameter(description = TimeRange.TO_DESCRIPTION) @QueryParam("to") String to,
            @Parameter(description = STEP) @QueryParam("step") String step) {
        TimeRange range = TimeRange.parse(from, to, Instant.now());
        return new TcpSeriesQuery(Parameters.knownService("client", client, services::knows),
                Parameters.knownService("server", server, services::knows), range, Step.parse(step, range))
                .run(readModels.tcpWindows());
    }
}
