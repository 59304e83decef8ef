package io.tapwire.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (v1), on the JDK's HttpClient. It works against Confluent
 * Schema Registry, Apicurio's ccompat API, Karapace and Tapwire's own registry server.
 *
 * <p>Registrations and lookups are cached per (subject, schema) and schemas per id, so the serdes' hot path
 * makes no HTTP call after the first record of each schema. Errors come back as typed {@link RegistryException}s
 * from Confluent's {@code error_code}; connection errors and 5xx answers are retried with exponential backoff,
 * trying the configured URLs in turn. Thread-safe.
 */
public final class RegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, RegisteredSchema>> lookupsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public RegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
    }

    public RegistryClientConfig config() {
        return config;
    }

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    public int register(String subject, Schema schema) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).computeIfAbsent(schema, s -> {
            JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
            int id = answer.path("id").asInt(-1);
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** Finds {@code schema} among the versions of {@code subject}, without registering it. */
    public RegisteredSchema lookup(String subject, Schema schema) {
        return lookupsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).computeIfAbsent(schema, s -> {
            RegisteredSchema found = registered(send("POST", "/subjects/" + encode(subject), schemaBody(schema)), subject);
            schemasById.putIfAbsent(found.id(), found.schema());
            return found;
        });
    }

    /** The schema with global id {@code id}. Ids never change their schema, so the answer is cached forever. */
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, i -> parse(send("GET", "/schemas/ids/" + id, null).path("schema").asText()));
    }

    /** The latest version of {@code subject}. Not cached: a new version may be registered at any time. */
    public RegisteredSchema latest(String subject) {
        return version(subject, "latest");
    }

    public RegisteredSchema version(String subject, int version) {
        return version(subject, String.valueOf(version));
    }

    private RegisteredSchema version(String subject, String version) {
        return registered(send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null), subject);
    }

    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        send("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(n -> versions.add(n.asInt()));
        return versions;
    }

    /** Whether {@code schema} could be registered as the next version of {@code subject}, with the reasons. */
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
    }

    /** Result of a compatibility check; {@code messages} explain an incompatibility. */
    public record CompatibilityResult(boolean compatible, List<String> messages) {
    }

    public CompatibilityLevel globalCompatibility() {
        return level(send("GET", "/config", null));
    }

    public void setGlobalCompatibility(CompatibilityLevel level) {
        send("PUT", "/config", JSON.createObjectNode().put("compatibility", level.name()));
    }

    /** The subject's own level, or the global one when it has none. */
    public CompatibilityLevel subjectCompatibility(String subject) {
        return level(send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null));
    }

    public void setSubjectCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", level.name()));
    }

    private static CompatibilityLevel level(JsonNode answer) {
        String level = answer.has("compatibilityLevel") ? answer.path("compatibilityLevel").asText()
                : answer.path("compatibility").asText();
        return CompatibilityLevel.valueOf(level);
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static RegisteredSchema registered(JsonNode answer, String subject) {
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.path("id").asInt(-1),
                answer.path("version").asInt(-1), parse(answer.path("schema").asText()));
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One API call with retries; returns the parsed JSON answer or throws the typed error. */
    JsonNode send(String method, String path, JsonNode body) {
        Duration backoff = config.retryBackoff();
        RuntimeException last = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            URI base = config.urls().get(attempt % config.urls().size());
            try {
                HttpResponse<String> response = http.send(request(base, method, path, body),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() < 300) {
                    return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
                }
                RegistryException error = error(response);
                if (response.statusCode() < 500) {
                    throw error;
                }
                last = error;
            } catch (IOException e) {
                last = new RegistryException.Unavailable("schema registry at " + base + " did not answer " + method
                        + " " + path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException.Unavailable("interrupted while calling the schema registry", e);
            }
            if (attempt < config.retries()) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        throw last;
    }

    private HttpRequest request(URI base, String method, String path, JsonNode body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (config.basicAuthUserInfo() != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    config.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        if (body == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return request.header("Content-Type", CONTENT_TYPE)
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                .build();
    }

    private static RegistryException error(HttpResponse<String> response) {
        int status = response.statusCode();
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json != null && json.has("error_code")) {
                return RegistryException.of(status, json.path("error_code").asInt(status), json.path("message").asText(""));
            }
        } catch (IOException notJson) {
            // fall through: not every proxy in front of a registry answers JSON
        }
        String text = response.body() == null ? "" : response.body();
        return RegistryException.of(status, status, text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException.Unavailable("interrupted while waiting to retry the schema registry", e);
        }
    }
}
