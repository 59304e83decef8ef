package io.tapwire.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a REST call into a JSON {@link ApiError} with a 4xx or 5xx status, never an HTML page or
 * a stack trace: clients of the API parse errors the same way as answers.
 */
public class JsonErrorMapper {

    private static final Logger LOG = Logger.getLogger(JsonErrorMapper.class);

    /** Seconds a client should wait before asking again while Kafka is away. */
    private static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response badParameter(BadParameterException e) {
        return json(Response.Status.BAD_REQUEST.getStatusCode(), new ApiError(e.getMessage(), e.parameter(), null));
    }

    @ServerExceptionMapper
    public Response unknownService(UnknownServiceException e) {
        return json(Response.Status.NOT_FOUND.getStatusCode(), new ApiError(e.getMessage(), e.parameter(), null));
    }

    @ServerExceptionMapper
    public Response kafkaUnavailable(KafkaUnavailableException e) {
        LOG.debugf("Answering 503: %s", e.getMessage());
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .entity(new ApiError(e.getMessage(), null, KafkaSettings.BOOTSTRAP_SERVERS))
                .build();
    }

    /** Errors JAX-RS raises itself: unknown path (404), wrong method (405), unacceptable media type (406), ... */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String error = status == Response.Status.NOT_FOUND.getStatusCode()
                ? "no resource at " + uri.getPath() + "; /q/openapi lists the API's paths"
                : e.getMessage();
        return json(status, ApiError.of(error));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        LOG.errorf(e, "Unexpected failure answering %s", uri.getPath());
        return json(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(),
                ApiError.of("internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage()));
    }

    private static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
