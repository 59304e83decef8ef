package io.tapwire.kafka.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A tiny test client for the registry's REST API: real HTTP, answers as JSON. */
final class RegistryHttp {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A status, the raw body and the body as JSON (null when it is not JSON). */
    record Answer(int status, String body, JsonNode json, String contentType) {
        int errorCode() {
            return json == null ? -1 : json.path("error_code").asInt(-1);
        }
    }

    private final String baseUrl;

    RegistryHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Answer get(String path) {
        return send("GET", path, null, CONTENT_TYPE);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, CONTENT_TYPE);
    }

    Answer post(String path, Object body) {
        return send("POST", path, body, CONTENT_TYPE);
    }

    Answer put(String path, Object body) {
        return send("PUT", path, body, CONTENT_TYPE);
    }

    /** Registers a schema and returns its id, failing on anything but 200. */
    int register(String subject, String schema) {
        Answer answer = post("/subjects/" + subject + "/versions", Map.of("schema", schema));
        if (answer.status() != 200) {
            throw new AssertionError("registering under " + subject + " answered " + answer.status() + " "
                    + answer.body());
        }
        return answer.json().get("id").asInt();
    }

    /**
     * @param body a String is sent as is, anything else as JSON; null sends no body
     * @param contentType null sends no Content-Type header
     */
    Answer send(String method, String path, Object body, String contentType) {
        try {
            String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(method, text == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
            if (contentType != null && text != null) {
                builder.header("Content-Type", contentType);
            }
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                json = null;
            }
            return new Answer(response.statusCode(), response.body(), json,
                    response.headers().firstValue("Content-Type").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String recordSchema(String name, String... fields) {
        StringBuilder sb = new StringBuilder("{\"type\": \"record\", \"name\": \"" + name + "\", \"fields\": [");
        for (int i = 0; i < fields.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(fields[i]);
        }
        return sb.append("]}").toString();
    }
}
