package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the registry must refuse get the documented 4xx and change nothing; equal schemas share one id.
 */
class RegistryRejectsBadInputIT {

    private static final String ORDER_V1 = RegistryHttp.recordSchema("Order",
            "{\"name\": \"id\", \"type\": \"long\"}");
    private static final String ORDER_WITHOUT_DEFAULT = RegistryHttp.recordSchema("Order",
            "{\"name\": \"id\", \"type\": \"long\"}", "{\"name\": \"note\", \"type\": \"string\"}");

    private static EmbeddedKafkaBroker broker;
    private static SchemaRegistryServer registry;
    private static RegistryHttp http;
    private static int topics;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        if (registry != null) {
            registry.close();
        }
        broker.close();
    }

    @BeforeEach
    void freshRegistry() {
        if (registry != null) {
            registry.close();
        }
        registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                .topic("_schemas_bad_input_" + (++topics)).port(0).build().start();
        http = new RegistryHttp(registry.url());
    }

    @Test
    void malformedJsonIsA400AndNothingIsStored() {
        RegistryHttp.Answer answer = http.post("/subjects/orders-value/versions", "{\"schema\": \"\\\"string\\\"\"");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo(400);
        assertThat(answer.json().get("message").asText()).contains("Malformed JSON");
        assertThat(answer.contentType()).isEqualTo(RegistryHttp.CONTENT_TYPE);
        RegistryHttp.Answer trailing = http.post("/subjects/orders-value/versions", "{\"schema\": \"\\\"string\\\"\"} junk");
        assertThat(trailing.status()).as(trailing.body()).isEqualTo(400);
        RegistryHttp.Answer empty = http.post("/subjects/orders-value/versions", "");
        assertThat(empty.status()).isEqualTo(400);
        RegistryHttp.Answer array = http.post("/subjects/orders-value/versions", "[]");
        assertThat(array.status()).isEqualTo(422);
        assertNothingStored();
    }

    @Test
    void aBodyWithoutSchemaIsA422() {
        RegistryHttp.Answer answer = http.post("/subjects/orders-value/versions", Map.of("schma", "\"string\""));
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.errorCode()).isEqualTo(422);
        assertThat(answer.json().get("message").asText()).isEqualTo("schema may not be empty");
        assertNothingStored();
    }

    @Test
    void anInvalidAvroSchemaIs42201WithAvrosReason() {
        RegistryHttp.Answer answer = http.post("/subjects/orders-value/versions",
                Map.of("schema", RegistryHttp.recordSchema("Order", "{\"name\": \"id\", \"type\": \"integer\"}")));
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.errorCode()).isEqualTo(42201);
        assertThat(answer.json().get("message").asText()).contains("integer");

        RegistryHttp.Answer notJson = http.post("/subjects/orders-value/versions", Map.of("schema", "{not json"));
        assertThat(notJson.errorCode()).isEqualTo(42201);
        RegistryHttp.Answer badDefault = http.post("/subjects/orders-value/versions", Map.of("schema",
                RegistryHttp.recordSchema("Order", "{\"name\": \"id\", \"type\": \"long\", \"default\": \"x\"}")));
        assertThat(badDefault.errorCode()).isEqualTo(42201);
        assertNothingStored();
    }

    @Test
    void anotherSchemaTypeOrReferencesAre42201() {
        RegistryHttp.Answer json = http.post("/subjects/orders-value/versions",
                Map.of("schema", "{\"type\": \"object\"}", "schemaType", "JSON"));
        assertThat(json.errorCode()).isEqualTo(42201);
        assertThat(json.json().get("message").asText()).contains("JSON").contains("AVRO");
        RegistryHttp.Answer references = http.post("/subjects/orders-value/versions", Map.of("schema", ORDER_V1,
                "references", List.of(Map.of("name", "Other", "subject", "other-value", "version", 1))));
        assertThat(references.errorCode()).isEqualTo(42201);
        assertThat(http.post("/subjects/orders-value/versions", Map.of("schema", ORDER_V1, "schemaType", "AVRO"))
                .status()).isEqualTo(200);
    }

    @Test
    void anUnknownCompatibilityLevelIs42203AndChangesNothing() {
        RegistryHttp.Answer global = http.put("/config", Map.of("compatibility", "BACKWARDS"));
        assertThat(global.status()).isEqualTo(422);
        assertThat(global.errorCode()).isEqualTo(42203);
        assertThat(global.json().get("message").asText()).contains("BACKWARDS").contains("FULL_TRANSITIVE");
        RegistryHttp.Answer subject = http.put("/config/orders-value", Map.of("level", "FULL"));
        assertThat(subject.errorCode()).isEqualTo(42203);
        assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(http.get("/config/orders-value").status()).isEqualTo(404);
        assertThat(http.put("/config", Map.of("compatibility", "full_transitive")).json().get("compatibility").asText())
                .as("levels are case-insensitive, as in Confluent").isEqualTo("FULL_TRANSITIVE");
    }

    @Test
    void anIncompatibleSchemaUnderBackwardIs409AndNotStored() {
        assertThat(http.register("orders-value", ORDER_V1)).isEqualTo(1);
        RegistryHttp.Answer answer = http.post("/subjects/orders-value/versions", Map.of("schema", ORDER_WITHOUT_DEFAULT));
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.errorCode()).isEqualTo(409);
        assertThat(answer.json().get("message").asText())
                .contains("orders-value").contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("note");
        assertThat(http.get("/subjects/orders-value/versions").json().toString()).isEqualTo("[1]");
        assertThat(http.get("/schemas/ids/2").errorCode()).isEqualTo(40403);
    }

    @Test
    void unsupportedContentTypeIs415AndAMissingOneIsAccepted() {
        RegistryHttp.Answer text = http.send("POST", "/subjects/orders-value/versions",
                Map.of("schema", ORDER_V1), "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.errorCode()).isEqualTo(415);
        assertNothingStored();
        RegistryHttp.Answer none = http.send("POST", "/subjects/orders-value/versions", Map.of("schema", ORDER_V1), null);
        assertThat(none.status()).isEqualTo(200);
        RegistryHttp.Answer charset = http.send("POST", "/subjects/orders2-value/versions", Map.of("schema", ORDER_V1),
                "application/json; charset=utf-8");
        assertThat(charset.status()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndMethodsAnswerWithTheErrorBody() {
        RegistryHttp.Answer path = http.get("/nothing/here");
        assertThat(path.status()).isEqualTo(404);
        assertThat(path.errorCode()).isEqualTo(404);
        RegistryHttp.Answer method = http.send("PATCH", "/subjects", "{}", RegistryHttp.CONTENT_TYPE);
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.errorCode()).isEqualTo(405);
    }

    @Test
    void theSameSchemaUnderTwoSubjectsGetsOneIdWhateverItsWhitespace() {
        int first = http.register("orders-value", ORDER_V1);
        String spaced = "{ \"name\" : \"Order\" ,\n \"type\":\"record\",  \"fields\" : [ {\"type\":\"long\", \"name\":\"id\"} ] }";
        int second = http.register("orders-archive-value", spaced);
        assertThat(second).isEqualTo(first);
        assertThat(http.register("orders-archive-value", ORDER_V1)).as("idempotent").isEqualTo(first);
        assertThat(http.get("/subjects/orders-archive-value/versions").json().toString()).isEqualTo("[1]");
        assertThat(http.get("/schemas/ids/" + first + "/versions").json()).hasSize(2);
        // A default changes how data is read: not the same schema, so not the same id.
        String withDefault = RegistryHttp.recordSchema("Order", "{\"name\": \"id\", \"type\": \"long\", \"default\": 0}");
        assertThat(http.register("orders-value", withDefault)).isNotEqualTo(first);
    }

    @Test
    void subjectNamesArePercentDecoded() {
        int id = http.register("team%2Forders-value", "\"string\"");
        assertThat(http.get("/subjects").json().get(0).asText()).isEqualTo("team/orders-value");
        assertThat(http.get("/subjects/team%2Forders-value/versions/1").json().get("id").asInt()).isEqualTo(id);
    }

    private static void assertNothingStored() {
        assertThat(http.get("/subjects").json()).isEmpty();
        assertThat(http.get("/subjects?deleted=true").json()).isEmpty();
        assertThat(http.get("/schemas/ids/1").errorCode()).isEqualTo(40403);
    }
}
