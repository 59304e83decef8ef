package io.tapwire.kafka.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * The HTTP and JSON plumbing of the API: reading a request in full, content types, writing JSON answers and
 * Confluent's error body {@code {"error_code": ..., "message": ...}}.
 */
final class HttpExchanges {

    /** The content type of every answer (API reference, "Content Types"). */
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Marks a request one instance forwarded to the leader, so it is never forwarded twice. */
    static final String FORWARDED_HEADER = "X-Tapwire-Forwarded";
    /** Set by an instance that got a forwarded write but is not the leader: the sender may retry elsewhere. */
    static final String NOT_LEADER_HEADER = "X-Tapwire-Not-Leader";
    /** The store offset of a write's last record, so a forwarding follower can wait to have read it too. */
    static final String STORE_OFFSET_HEADER = "X-Tapwire-Store-Offset";

    /** Strict: a body with anything after its JSON value is malformed, not silently truncated. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Request content types Confluent accepts; a missing one is read as JSON too. */
    private static final Set<String> ACCEPTED_CONTENT_TYPES = Set.of(
            "application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream");
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private HttpExchanges() {
    }

    static ApiRequest read(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath() == null ? "/" : uri.getRawPath();
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(decode(raw));
            }
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                query.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        String rawPathAndQuery = rawPath + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new ApiRequest(exchange.getRequestMethod().toUpperCase(Locale.ROOT), rawPathAndQuery, segments, query,
                exchange.getRequestHeaders().getFirst("Content-Type"), readBody(exchange.getRequestBody()),
                exchange.getRequestHeaders().containsKey(FORWARDED_HEADER));
    }

    /** Percent-decoding of one path segment or query part; '+' stays '+' in paths, as RFC 3986 has it. */
    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY_BYTES) {
                throw new RegistryException(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
            }
        }
        return out.toByteArray();
    }

    /**
     * The request body as a JSON object.
     *
     * @throws RegistryException 415 for a content type that is not JSON, 400 when the body is not JSON,
     *                           422 when it is JSON but not an object
     */
    static JsonNode jsonBody(ApiRequest request) {
        checkContentType(request.contentType());
        if (request.body().length == 0) {
            throw RegistryErrors.malformedJson("the body is empty; expected a JSON object");
        }
        JsonNode node;
        try {
            node = JSON.readTree(request.body());
        } catch (JsonProcessingException e) {
            throw RegistryErrors.malformedJson(e.getOriginalMessage());
        } catch (IOException e) {
            throw RegistryErrors.malformedJson(e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new RegistryException(422, 422, "The request body must be a JSON object, was: "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return node;
    }

    private static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!ACCEPTED_CONTENT_TYPES.contains(mediaType)) {
            throw RegistryErrors.unsupportedMediaType(contentType);
        }
    }

    static ApiResponse json(Object body) {
        return json(200, body);
    }

    static ApiResponse json(int status, Object body) {
        try {
            return ApiResponse.of(status, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize response " + body, e);
        }
    }

    static ApiResponse error(RegistryException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", e.errorCode());
        body.put("message", e.getMessage());
        return json(e.httpStatus(), body);
    }

    static void write(HttpExchange exchange, ApiResponse response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
