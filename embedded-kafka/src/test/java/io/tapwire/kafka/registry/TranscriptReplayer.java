package io.tapwire.kafka.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;

/**
 * Loads the bundled {@link Transcript}s and replays them against any registry URL: Tapwire's server in this
 * module, or a stub in a client's tests (this class ships in the module's test jar).
 *
 * <pre>{@code
 * for (String name : TranscriptReplayer.bundledNames()) {
 *     TranscriptReplayer.replay(TranscriptReplayer.load(name), freshRegistryUrl());
 * }
 * }</pre>
 *
 * Each transcript expects a fresh, empty registry with default settings (ids and versions start at 1).
 */
public final class TranscriptReplayer {

    /** Where the transcripts live on the class path. */
    public static final String RESOURCE_DIR = "io/tapwire/kafka/registry/transcripts/";
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TranscriptReplayer() {
    }

    /** The bundled transcripts' names, from {@code index.txt} (a jar cannot list a folder). */
    public static List<String> bundledNames() {
        List<String> names = new ArrayList<>();
        try (InputStream in = resource("index.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    public static Transcript load(String name) {
        try (InputStream in = resource(name)) {
            JsonNode root = JSON.readTree(in);
            List<Transcript.Step> steps = new ArrayList<>();
            for (JsonNode step : root.path("steps")) {
                JsonNode req = step.path("request");
                JsonNode res = step.path("response");
                Map<String, String> headers = new LinkedHashMap<>();
                req.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
                List<String> nonEmpty = new ArrayList<>();
                res.path("nonEmptyFields").forEach(n -> nonEmpty.add(n.asText()));
                steps.add(new Transcript.Step(step.path("doc").asText(),
                        new Transcript.Request(req.path("method").asText(), req.path("path").asText(), headers,
                                req.get("body"), req.hasNonNull("rawBody") ? req.get("rawBody").asText() : null),
                        new Transcript.Expected(res.path("status").asInt(), res.get("body"), res.get("bodyFields"),
                                nonEmpty, res.get("contains"), res.path("unordered").asBoolean(false))));
            }
            return new Transcript(name, root.path("source").asText(), steps);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read transcript " + name, e);
        }
    }

    /**
     * Sends every step's request to {@code baseUrl} in order and checks each response.
     *
     * @throws AssertionError naming the transcript, the step and what differed
     */
    public static void replay(Transcript transcript, String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        int number = 0;
        for (Transcript.Step step : transcript.steps()) {
            number++;
            HttpResponse<String> response = send(base, step.request());
            String where = transcript.name() + " step " + number + " (" + step.doc() + "): "
                    + step.request().method() + " " + step.request().path();
            try {
                check(step.response(), response);
            } catch (AssertionError e) {
                throw new AssertionError(where + ": " + e.getMessage() + "\n  got " + response.statusCode() + " "
                        + response.body() + "\n  following " + transcript.source(), e);
            }
        }
    }

    private static HttpResponse<String> send(String base, Transcript.Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.path()))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", CONTENT_TYPE + ", application/vnd.schemaregistry+json, application/json");
        String body = request.rawBody() != null ? request.rawBody()
                : request.body() != null ? request.body().toString() : null;
        if (body != null && !request.headers().containsKey("Content-Type")) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        request.headers().forEach(builder::header);
        builder.method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("no answer to " + request.method() + " " + base + request.path() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void check(Transcript.Expected expected, HttpResponse<String> response) {
        if (response.statusCode() != expected.status()) {
            throw new AssertionError("expected status " + expected.status() + ", was " + response.statusCode());
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (!contentType.startsWith(CONTENT_TYPE)) {
            throw new AssertionError("expected Content-Type " + CONTENT_TYPE + ", was '" + contentType + "'");
        }
        JsonNode actual;
        try {
            actual = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("body is not JSON: " + e.getMessage());
        }
        if (expected.status() >= 400) {
            if (actual == null || !actual.path("error_code").isInt() || actual.path("message").asText("").isBlank()) {
                throw new AssertionError("an error body must be {\"error_code\": <int>, \"message\": <text>}");
            }
        }
        if (expected.body() != null && !equivalent(expected.body(), actual, expected.unordered())) {
            throw new AssertionError("expected body " + expected.body());
        }
        if (expected.bodyFields() != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.bodyFields().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (actual == null || !actual.has(field.getKey())
                        || !equivalent(field.getValue(), actual.get(field.getKey()), false)) {
                    throw new AssertionError("expected field " + field.getKey() + " = " + field.getValue());
                }
            }
        }
        for (String field : expected.nonEmptyFields()) {
            JsonNode value = actual == null ? null : actual.get(field);
            if (value == null || value.isNull() || value.isEmpty() && !value.isValueNode()
                    || value.isTextual() && value.asText().isEmpty()) {
                throw new AssertionError("expected a non-empty field " + field);
            }
        }
        if (expected.contains() != null) {
            for (JsonNode element : expected.contains()) {
                if (actual == null || !actual.isArray() || !containsEquivalent(actual, element)) {
                    throw new AssertionError("expected an array containing " + element);
                }
            }
        }
    }

    static boolean equivalent(JsonNode expected, JsonNode actual, boolean unordered) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected.isTextual() && actual.isTextual()) {
            return equivalentText(expected.asText(), actual.asText());
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            if (unordered) {
                List<JsonNode> left = new ArrayList<>();
                actual.forEach(left::add);
                for (JsonNode e : expected) {
                    int match = -1;
                    for (int i = 0; i < left.size() && match < 0; i++) {
                        if (equivalent(e, left.get(i), false)) {
                            match = i;
                        }
                    }
                    if (match < 0) {
                        return false;
                    }
                    left.remove(match);
                }
                return true;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!equivalent(expected.get(i), actual.get(i), false)) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isObject() && actual.isObject()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!equivalent(field.getValue(), actual.get(field.getKey()), false)) {
                    return false;
                }
            }
            return true;
        }
        return expected.equals(actual);
    }

    private static boolean containsEquivalent(JsonNode array, JsonNode element) {
        for (JsonNode candidate : array) {
            if (equivalent(element, candidate, false)) {
                return true;
            }
        }
        return false;
    }

    /** Equal strings, or equal JSON texts, or equal Avro schemas (a registry answers canonical schema text). */
    private static boolean equivalentText(String expected, String actual) {
        if (expected.equals(actual)) {
            return true;
        }
        JsonNode expectedJson = parseOrNull(expected);
        JsonNode actualJson = parseOrNull(actual);
        if (expectedJson == null || actualJson == null) {
            return false;
        }
        if (expectedJson.equals(actualJson)) {
            return true;
        }
        try {
            return new Schema.Parser().parse(expected).equals(new Schema.Parser().parse(actual));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static JsonNode parseOrNull(String text) {
        String trimmed = text.strip();
        if (!(trimmed.startsWith("{") || trimmed.startsWith("[") || trimmed.startsWith("\""))) {
            return null;
        }
        try {
            return JSON.readTree(trimmed);
        } catch (IOException e) {
            return null;
        }
    }

    private static InputStream resource(String name) {
        InputStream in = TranscriptReplayer.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name);
        if (in == null) {
            throw new IllegalArgumentException("no transcript resource " + RESOURCE_DIR + name);
        }
        return in;
    }
}
