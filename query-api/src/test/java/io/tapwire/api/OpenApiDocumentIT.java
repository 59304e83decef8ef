package io.tapwire.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document at {@code /q/openapi} is the API reference the README links: every endpoint is in it, and
 * every operation, parameter and field of an answer is described.
 */
@QuarkusTest
@TestProfile(ApiWithoutKafkaIT.NoKafka.class)
class OpenApiDocumentIT {

    private static final List<String> PATHS = List.of("/api/v1/services", "/api/v1/services/{service}",
            "/api/v1/service-map", "/api/v1/metrics/l7", "/api/v1/metrics/tcp", "/api/v1/events", "/api/v1/spans",
            "/metrics");

    private static JsonPath document() {
        return given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void everyEndpointIsDocumentedWithEveryParameterDescribed() {
        JsonPath doc = document();
        Map<String, Object> paths = doc.getMap("paths");
        assertThat(paths).containsKeys(PATHS.toArray(String[]::new));

        List<String> undescribed = new ArrayList<>();
        for (String path : PATHS) {
            Map<String, Object> get = doc.getMap("paths.'" + path + "'.get");
            if (get.get("summary") == null) {
                undescribed.add(path + " summary");
            }
            List<Map<String, Object>> parameters = doc.getList("paths.'" + path + "'.get.parameters");
            for (Map<String, Object> parameter : parameters == null ? List.<Map<String, Object>>of() : parameters) {
                if (blank(parameter.get("description"))) {
                    undescribed.add(path + " parameter " + parameter.get("name"));
                }
            }
        }
        assertThat(undescribed).isEmpty();
        assertThat(doc.getList("paths.'/api/v1/metrics/l7'.get.parameters.name", String.class))
                .containsExactlyInAnyOrder("client", "server", "protocol", "side", "from", "to", "step");
    }

    @Test
    void everyFieldOfEveryAnswerIsDescribed() {
        JsonPath doc = document();
        Map<String, Map<String, Object>> schemas = doc.getMap("components.schemas");
        assertThat(schemas).containsKeys("ServiceList", "Service", "Traffic", "Latency", "ServiceMap",
                "ServiceMapNode", "ServiceMapEdge", "EdgeTcp", "L7SeriesList", "L7Series", "L7Point",
                "TcpSeriesList", "TcpSeries", "TcpPoint", "EventList", "Event", "SpanList", "Span", "Error");

        List<String> undescribed = new ArrayList<>();
        schemas.forEach((name, schema) -> {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) schema.get("properties");
            if (properties == null) {
                return;
            }
            properties.forEach((field, property) -> {
                if (blank(property.get("description")) && !referencesADescribedSchema(property, schemas)) {
                    undescribed.add(name + "." + field);
                }
            });
        });
        assertThat(undescribed).isEmpty();
    }

    /** A field whose type is another schema of the document (latencyMs, tcp) is described by that schema. */
    private static boolean referencesADescribedSchema(Map<String, Object> property,
                                                      Map<String, Map<String, Object>> schemas) {
        String text = property.toString();
        int at = text.indexOf("#/components/schemas/");
        if (at < 0) {
            return false;
        }
        String name = text.substring(at + "#/components/schemas/".length()).split("[,}\\]]")[0];
        Map<String, Object> target = schemas.get(name);
        return target != null && !blank(target.get("description"));
    }

    private static boolean blank(Object value) {
        return value == null || value.toString().isBlank();
    }
}
