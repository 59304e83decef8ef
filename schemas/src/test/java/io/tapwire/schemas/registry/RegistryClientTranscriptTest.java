package io.tapwire.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.tapwire.kafka.registry.Transcript;
import io.tapwire.kafka.registry.TranscriptReplayer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client against Confluent's documentation: every documented step whose request the client issues is
 * served by a stub with the documented answer, and the client must send exactly that request and return what
 * the answer says (or the typed error for its {@code error_code}). The same transcripts are replayed against
 * Tapwire's registry server in embedded-kafka, so client and server are each checked against the documentation,
 * never against each other.
 */
class RegistryClientTranscriptTest {

    private static final List<String> COVERED = new ArrayList<>();

    static Stream<String> transcripts() {
        return TranscriptReplayer.bundledNames().stream();
    }

    @ParameterizedTest
    @MethodSource("transcripts")
    void theClientSendsTheDocumentedRequestsAndReadsTheDocumentedAnswers(String name) throws Exception {
        Transcript transcript = TranscriptReplayer.load(name);
        try (TranscriptStub stub = new TranscriptStub()) {
            int number = 0;
            for (Transcript.Step step : transcript.steps()) {
                number++;
                Optional<ClientCall> call = ClientCall.of(step);
                if (call.isEmpty()) {
                    continue;
                }
                String where = name + " step " + number + " (" + step.doc() + "): " + step.request().method() + " "
                        + step.request().path();
                stub.serve(step);
                // A fresh client per step: the caches would rightly skip a request the transcript repeats.
                RegistryClient client = new RegistryClient(RegistryClientConfig.fromMap(Map.of(
                        RegistryClientConfig.URL, stub.url(), RegistryClientConfig.RETRIES, "0")));
                call.get().check(client, step, where);
                assertThat(stub.mismatches()).as(where).isEmpty();
                if (step.request().body() != null && step.request().body().has("schema")) {
                    assertThat(parse(stub.lastBody().path("schema").asText())).as(where + ": schema sent")
                            .isEqualTo(parse(step.request().body().path("schema").asText()));
                }
                COVERED.add(step.request().method() + " " + step.request().path().replaceAll("/[^/?]+", "/_"));
            }
        }
    }

    @AfterAll
    static void everyClientOperationWasCheckedAgainstTheDocumentation() {
        assertThat(COVERED).as("documented requests the client issues").contains(
                "POST /_/_/_", "POST /_/_", "GET /_/_/_", "GET /_", "GET /_/_/_/_", "POST /_/_/_/_/_?verbose=true",
                "PUT /_", "PUT /_/_", "GET /_/_?defaultToGlobal=true");
    }

    @Test
    void aRegistryThatCannotBeReachedIsReportedAsUnavailableAfterTheRetries() {
        RegistryClient client = new RegistryClient(RegistryClientConfig.fromMap(Map.of(
                RegistryClientConfig.URL, "http://127.0.0.1:1", RegistryClientConfig.RETRIES, "2",
                RegistryClientConfig.RETRY_BACKOFF_MS, "10")));
        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(RegistryException.Unavailable.class)
                .hasMessageContaining("http://127.0.0.1:1").hasMessageContaining("GET /schemas/ids/1");
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }

    /** A client operation for a documented request, and how to check its result against the documented answer. */
    private record ClientCall(Invocation invocation) {

        private static final Pattern REGISTER = Pattern.compile("/subjects/([^/?]+)/versions");
        private static final Pattern LOOKUP = Pattern.compile("/subjects/([^/?]+)");
        private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
        private static final Pattern VERSION = Pattern.compile("/subjects/([^/?]+)/versions/(latest|\\d+)");
        private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/?]+)/versions/latest\\?verbose=true");
        private static final Pattern SUBJECT_CONFIG = Pattern.compile("/config/([^/?]+)");
        private static final Pattern SUBJECT_CONFIG_GET = Pattern.compile("/config/([^/?]+)\\?defaultToGlobal=true");

        interface Invocation {
            Object call(RegistryClient client);
        }

        static Optional<ClientCall> of(Transcript.Step step) {
            String method = step.request().method();
            String path = step.request().path();
            JsonNode body = step.request().body();
            Matcher m;
            if (method.equals("POST") && (m = REGISTER.matcher(path)).matches() && hasSchema(body)) {
                String subject = m.group(1);
                return call(c -> c.register(subject, parse(body.path("schema").asText())));
            }
            if (method.equals("POST") && (m = LOOKUP.matcher(path)).matches() && hasSchema(body)) {
                String subject = m.group(1);
                return call(c -> c.lookup(subject, parse(body.path("schema").asText())));
            }
            if (method.equals("POST") && (m = COMPATIBILITY.matcher(path)).matches() && hasSchema(body)) {
                String subject = m.group(1);
                return call(c -> c.testCompatibility(subject, parse(body.path("schema").asText())));
            }
            if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
                int id = Integer.parseInt(m.group(1));
                return call(c -> c.schemaById(id));
            }
            if (method.equals("GET") && (m = VERSION.matcher(path)).matches()) {
                String subject = m.group(1);
                String version = m.group(2);
                return call(c -> version.equals("latest") ? c.latest(subject) : c.version(subject, Integer.parseInt(version)));
            }
            if (method.equals("GET") && path.equals("/subjects")) {
                return call(RegistryClient::subjects);
            }
            if (method.equals("GET") && (m = REGISTER.matcher(path)).matches()) {
                String subject = m.group(1);
                return call(c -> c.versions(subject));
            }
            if (method.equals("GET") && path.equals("/config")) {
                return call(RegistryClient::globalCompatibility);
            }
            if (method.equals("GET") && (m = SUBJECT_CONFIG_GET.matcher(path)).matches()) {
                String subject = m.group(1);
                return call(c -> c.subjectCompatibility(subject));
            }
            Optional<CompatibilityLevel> level = level(body);
            if (method.equals("PUT") && path.equals("/config") && level.isPresent()) {
                return call(c -> {
                    c.setGlobalCompatibility(level.get());
                    return level.get();
                });
            }
            if (method.equals("PUT") && (m = SUBJECT_CONFIG.matcher(path)).matches() && level.isPresent()) {
                String subject = m.group(1);
                return call(c -> {
                    c.setSubjectCompatibility(subject, level.get());
                    return level.get();
                });
            }
            return Optional.empty();
        }

        void check(RegistryClient client, Transcript.Step step, String where) {
            Transcript.Expected expected = step.response();
            if (expected.status() >= 400) {
                int code = expected.bodyFields() != null && expected.bodyFields().has("error_code")
                        ? expected.bodyFields().get("error_code").asInt() : expected.status();
                assertThatThrownBy(() -> invocation.call(client)).as(where)
                        .isInstanceOfSatisfying(RegistryException.class, e -> {
                            assertThat(e.errorCode()).isEqualTo(code);
                            assertThat(e.httpStatus()).isEqualTo(expected.status());
                            assertThat(e).isInstanceOf(typeFor(code));
                        });
                return;
            }
            Object result = invocation.call(client);
            JsonNode body = expected.body();
            if (body == null) {
                return;
            }
            if (result instanceof Integer id) {
                assertThat(id).as(where).isEqualTo(body.path("id").asInt());
            } else if (result instanceof RegisteredSchema registered) {
                assertThat(registered.id()).as(where).isEqualTo(body.path("id").asInt());
                assertThat(registered.version()).as(where).isEqualTo(body.path("version").asInt());
                assertThat(registered.schema()).as(where).isEqualTo(parse(body.path("schema").asText()));
            } else if (result instanceof Schema schema) {
                assertThat(schema).as(where).isEqualTo(parse(body.path("schema").asText()));
            } else if (result instanceof RegistryClient.CompatibilityResult compatibility) {
                assertThat(compatibility.compatible()).as(where).isEqualTo(body.path("is_compatible").asBoolean());
            } else if (result instanceof CompatibilityLevel level) {
                String documented = body.has("compatibilityLevel") ? body.get("compatibilityLevel").asText()
                        : body.path("compatibility").asText();
                assertThat(level.name()).as(where).isEqualTo(documented);
            } else if (result instanceof List<?> list && body.isArray()) {
                List<String> documented = new ArrayList<>();
                body.forEach(n -> documented.add(n.asText()));
                assertThat(list.stream().map(String::valueOf).toList()).as(where).containsExactlyInAnyOrderElementsOf(documented);
            }
        }

        private static Class<? extends RegistryException> typeFor(int code) {
            return switch (code) {
                case 40401 -> RegistryException.SubjectNotFound.class;
                case 40402 -> RegistryException.VersionNotFound.class;
                case 40403 -> RegistryException.SchemaNotFound.class;
                case 409, 40901 -> RegistryException.IncompatibleSchema.class;
                case 42201 -> RegistryException.InvalidSchema.class;
                case 42202 -> RegistryException.InvalidVersion.class;
                case 42203 -> RegistryException.InvalidCompatibilityLevel.class;
                default -> RegistryException.class;
            };
        }

        private static Optional<ClientCall> call(Invocation invocation) {
            return Optional.of(new ClientCall(invocation));
        }

        private static boolean hasSchema(JsonNode body) {
            return body != null && body.has("schema") && !body.path("schema").asText().isEmpty()
                    && !body.has("schemaType") && !body.has("references") && parses(body.path("schema").asText());
        }

        private static boolean parses(String schema) {
            try {
                parse(schema);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        private static Optional<CompatibilityLevel> level(JsonNode body) {
            if (body == null || !body.has("compatibility")) {
                return Optional.empty();
            }
            try {
                return Optional.of(CompatibilityLevel.valueOf(body.get("compatibility").asText()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
