package io.tapwire.kafka.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API v1: maps each path and method to a read of the local {@link SchemaStore}
 * or a write through the {@link WriteCoordinator}, and shapes the JSON as the API reference documents it.
 *
 * <p>Requests are validated (JSON, Avro, version ids, levels) before a write is forwarded, so a bad request gets
 * its 4xx from whichever instance received it, even while no leader is reachable.
 */
final class RegistryHttpApi implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpApi.class);

    private final SchemaStore store;
    private final RegistryWrites writes;
    private final WriteCoordinator coordinator;

    RegistryHttpApi(SchemaStore store, RegistryWrites writes, WriteCoordinator coordinator) {
        this.store = store;
        this.writes = writes;
        this.coordinator = coordinator;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        ApiResponse response;
        try {
            response = route(HttpExchanges.read(exchange));
        } catch (RegistryException e) {
            response = HttpExchanges.error(e);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = HttpExchanges.error(RegistryErrors.storeError(e.toString(), e));
        }
        HttpExchanges.write(exchange, response);
    }

    ApiResponse route(ApiRequest r) {
        List<String> s = r.segments();
        if (s.isEmpty()) {
            return on(r, Map.of("GET", () -> HttpExchanges.json(Map.of())));
        }
        switch (s.get(0)) {
            case "schemas":
                return schemas(r, s);
            case "subjects":
                return subjects(r, s);
            case "compatibility":
                return compatibility(r, s);
            case "config":
                return config(r, s);
            default:
                throw RegistryErrors.notFound(r.path());
        }
    }

    // ---- /schemas ---------------------------------------------------------------------------------------------

    private ApiResponse schemas(ApiRequest r, List<String> s) {
        if (s.size() == 2 && s.get(1).equals("types")) {
            return on(r, Map.of("GET", () -> HttpExchanges.json(List.of(ParsedSchema.AVRO))));
        }
        if (s.size() < 3 || s.size() > 4 || !s.get(1).equals("ids")) {
            throw RegistryErrors.notFound(r.path());
        }
        int id = schemaId(s.get(2), r);
        if (s.size() == 3) {
            return on(r, Map.of("GET", () -> HttpExchanges.json(Map.of("schema", schemaText(id)))));
        }
        switch (s.get(3)) {
            case "schema":
                return on(r, Map.of("GET", () -> raw(schemaText(id))));
            case "versions":
                return on(r, Map.of("GET", () -> HttpExchanges.json(store.versionsOf(id, r.flag("deleted")).stream()
                        .map(v -> orderedMap("subject", v.subject(), "version", v.version())).toList())));
            case "subjects":
                return on(r, Map.of("GET", () -> HttpExchanges.json(store.versionsOf(id, r.flag("deleted")).stream()
                        .map(SchemaStore.Version::subject).distinct().toList())));
            default:
                throw RegistryErrors.notFound(r.path());
        }
    }

    private static int schemaId(String text, ApiRequest r) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryErrors.notFound(r.path());
        }
    }

    private String schemaText(int id) {
        return store.schema(id).map(ParsedSchema::canonical).orElseThrow(() -> RegistryErrors.schemaNotFound(id));
    }

    // ---- /subjects --------------------------------------------------------------------------------------------

    private ApiResponse subjects(ApiRequest r, List<String> s) {
        if (s.size() == 1) {
            return on(r, Map.of("GET", () -> HttpExchanges.json(store.subjects(r.flag("deleted")))));
        }
        String subject = s.get(1);
        if (s.size() == 2) {
            return on(r, Map.of(
                    "POST", () -> lookup(r, subject),
                    "DELETE", () -> coordinator.execute(r, () -> written(
                            writes.deleteSubject(subject, r.flag("permanent")), versions -> versions))));
        }
        if (!s.get(2).equals("versions") || s.size() > 5) {
            throw RegistryErrors.notFound(r.path());
        }
        if (s.size() == 3) {
            return on(r, Map.of(
                    "GET", () -> HttpExchanges.json(versionNumbers(subject, r.flag("deleted"))),
                    "POST", () -> register(r, subject)));
        }
        VersionId version = VersionId.parse(s.get(3));
        if (s.size() == 4) {
            return on(r, Map.of(
                    "GET", () -> HttpExchanges.json(versionBody(store.version(subject, version, r.flag("deleted")))),
                    "DELETE", () -> coordinator.execute(r, () -> written(
                            writes.deleteVersion(subject, version, r.flag("permanent")), number -> number))));
        }
        switch (s.get(4)) {
            case "schema":
                return on(r, Map.of("GET", () -> raw(schemaText(store.version(subject, version, r.flag("deleted")).id()))));
            case "referencedby":
                // Schema references are not supported, so nothing ever references a version.
                return on(r, Map.of("GET", () -> {
                    store.version(subject, version, true);
                    return HttpExchanges.json(List.of());
                }));
            default:
                throw RegistryErrors.notFound(r.path());
        }
    }

    private List<Integer> versionNumbers(String subject, boolean includeDeleted) {
        List<SchemaStore.Version> versions = includeDeleted ? store.allVersions(subject) : store.liveVersions(subject);
        if (versions.isEmpty()) {
            throw RegistryErrors.subjectNotFound(subject);
        }
        return versions.stream().map(SchemaStore.Version::version).toList();
    }

    private ApiResponse register(ApiRequest r, String subject) {
        ParsedSchema schema = schemaFromBody(r);
        return coordinator.execute(r, () -> written(writes.register(subject, schema), id -> Map.of("id", id)));
    }

    /** POST /subjects/{subject}: is this schema registered under the subject, and as which version? */
    private ApiResponse lookup(ApiRequest r, String subject) {
        ParsedSchema schema = schemaFromBody(r);
        boolean includeDeleted = r.flag("deleted");
        if ((includeDeleted ? store.allVersions(subject) : store.liveVersions(subject)).isEmpty()) {
            throw RegistryErrors.subjectNotFound(subject);
        }
        SchemaStore.Version version = store.find(subject, schema.canonical(), includeDeleted)
                .orElseThrow(() -> RegistryErrors.schemaNotFoundUnder(subject));
        return HttpExchanges.json(versionBody(version));
    }

    private Map<String, Object> versionBody(SchemaStore.Version v) {
        return orderedMap("subject", v.subject(), "version", v.version(), "id", v.id(), "schema", schemaText(v.id()));
    }

    // ---- /compatibility ---------------------------------------------------------------------------------------

    private ApiResponse compatibility(ApiRequest r, List<String> s) {
        if (s.size() < 4 || s.size() > 5 || !s.get(1).equals("subjects") || !s.get(3).equals("versions")) {
            throw RegistryErrors.notFound(r.path());
        }
        String subject = s.get(2);
        VersionId version = s.size() == 5 ? VersionId.parse(s.get(4)) : null;
        return on(r, Map.of("POST", () -> {
            ParsedSchema candidate = schemaFromBody(r);
            CompatibilityLevel level = store.effectiveLevel(subject);
            List<CompatibilityChecker.Earlier> against;
            if (version == null) {
                // Against the subject as a registration would be checked.
                against = store.earlierSchemas(subject);
            } else {
                SchemaStore.Version target = store.version(subject, version, false);
                against = List.of(new CompatibilityChecker.Earlier(target.version(),
                        store.schema(target.id()).orElseThrow(() -> RegistryErrors.schemaNotFound(target.id())).schema()));
            }
            List<String> problems = CompatibilityChecker.check(level, candidate.schema(), against);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("is_compatible", problems.isEmpty());
            if (r.flag("verbose")) {
                body.put("messages", problems);
            }
            return HttpExchanges.json(body);
        }));
    }

    // ---- /config ----------------------------------------------------------------------------------------------

    private ApiResponse config(ApiRequest r, List<String> s) {
        if (s.size() > 2) {
            throw RegistryErrors.notFound(r.path());
        }
        String subject = s.size() == 2 ? s.get(1) : null;
        return on(r, Map.of(
                "GET", () -> HttpExchanges.json(Map.of("compatibilityLevel", readLevel(subject, r).name())),
                "PUT", () -> {
                    CompatibilityLevel level = levelFromBody(r);
                    return coordinator.execute(r, () -> written(writes.setLevel(subject, level),
                            l -> Map.of("compatibility", l.name())));
                },
                "DELETE", () -> coordinator.execute(r, () -> written(writes.clearLevel(subject),
                        l -> Map.of("compatibilityLevel", l.name())))));
    }

    private CompatibilityLevel readLevel(String subject, ApiRequest r) {
        if (subject == null) {
            return store.globalLevel();
        }
        return store.subjectLevel(subject).orElseGet(() -> {
            if (r.flag("defaultToGlobal")) {
                return store.globalLevel();
            }
            throw RegistryErrors.subjectLevelConfigNotFound(subject);
        });
    }

    private static CompatibilityLevel levelFromBody(ApiRequest r) {
        JsonNode compatibility = HttpExchanges.jsonBody(r).get("compatibility");
        String name = compatibility == null || compatibility.isNull() ? null : compatibility.asText();
        return CompatibilityLevel.parse(name).orElseThrow(() -> RegistryErrors.invalidCompatibilityLevel(name));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /**
     * The schema of a register, lookup or compatibility request: {@code {"schema": "...", "schemaType": "AVRO"}}.
     * Only Avro is stored; references (schemas built from other subjects) are not supported.
     */
    private static ParsedSchema schemaFromBody(ApiRequest r) {
        JsonNode body = HttpExchanges.jsonBody(r);
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !ParsedSchema.AVRO.equalsIgnoreCase(type.asText())) {
            throw RegistryErrors.invalidSchema("schemaType '" + type.asText()
                    + "' is not supported; this registry stores AVRO schemas only");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw RegistryErrors.invalidSchema("schema references are not supported by this registry");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || schema.isNull()) {
            throw RegistryErrors.missingField("schema");
        }
        if (!schema.isTextual()) {
            throw RegistryErrors.invalidSchema("the 'schema' field must be a string holding the schema's JSON, was "
                    + schema.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return ParsedSchema.parse(schema.asText());
    }

    private static <T> ApiResponse written(StoreWriter.Written<T> written, Function<T, Object> body) {
        ApiResponse response = HttpExchanges.json(body.apply(written.result()));
        return written.offset() < 0 ? response
                : response.withHeader(HttpExchanges.STORE_OFFSET_HEADER, String.valueOf(written.offset()));
    }

    private static ApiResponse raw(String schemaJson) {
        return ApiResponse.of(200, schemaJson.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiResponse on(ApiRequest r, Map<String, Supplier<ApiResponse>> handlers) {
        Supplier<ApiResponse> handler = handlers.get(r.method());
        if (handler == null) {
            throw RegistryErrors.methodNotAllowed(r.method(), r.path());
        }
        return handler.get();
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
