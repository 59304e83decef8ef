package io.tapwire.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The API against a real Kafka cluster on which the topic bootstrapper has created every Tapwire topic. */
@QuarkusTest
@QuarkusTestResource(value = TapwireKafkaCluster.class, restrictToAnnotatedClass = true)
class ApiWithBootstrappedClusterIT {

    @ConfigProperty(name = KafkaSettings.BOOTSTRAP_SERVERS)
    String bootstrapServers;

    @Test
    void readinessIsUpWhenKafkaAnswersAndEveryTapwireTopicExists() throws Exception {
        // The read models catch up with the (empty) topics a moment after the start.
        ReadinessWait.untilStatus("UP");
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.data.bootstrapServers", equalTo(bootstrapServers))
                .body("checks.find { it.name == 'kafka' }.data.topicsPresent", equalTo(TapwireTopic.values().length));
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void topicsListsEveryCatalogTopicAsPresentWithTheBrokersPartitionCount() {
        JsonPath body = given().when().get("/api/v1/topics")
                .then().statusCode(200).contentType(ContentType.JSON)
                .extract().jsonPath();

        List<Map<String, Object>> items = body.getList("items");
        assertThat(items).hasSize(15);
        assertThat(items).extracting(item -> item.get("name"))
                .containsExactly(Arrays.stream(TapwireTopic.values()).map(TapwireTopic::topicName).toArray());
        assertThat(items).allSatisfy(item -> {
            assertThat(item.get("present")).isEqualTo(true);
            assertThat(item.get("partitions")).isEqualTo(TapwireKafkaCluster.PARTITIONS);
        });
        assertThat(items.get(2)).containsEntry("name", "tapwire.raw.tcp.v1")
                .containsEntry("kind", "raw")
                .containsEntry("keyFormat", TapwireTopic.RAW_TCP.keyFormat().pattern())
                .containsEntry("valueSubject", "tapwire.raw.tcp.v1-value");
    }

    @Test
    void topicsCanBeFilteredByKind() {
        List<String> derived = given().queryParam("kind", "derived").when().get("/api/v1/topics")
                .then().statusCode(200).extract().jsonPath().getList("items.name");

        assertThat(derived).containsExactlyElementsOf(Arrays.stream(TapwireTopic.values())
                .filter(t -> t.kind() == TapwireTopic.Kind.DERIVED).map(TapwireTopic::topicName).toList());
    }

    @Test
    void anUnknownKindIsA400JsonErrorNamingTheParameter() {
        given().queryParam("kind", "cooked").when().get("/api/v1/topics")
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("parameter", equalTo("kind"))
                .body("error", containsString("'cooked'"));
    }

    @Test
    void anUnknownApiPathIsA404JsonError() {
        given().when().get("/api/v1/no-such-view")
                .then().statusCode(404)
                .contentType(ContentType.JSON)
                .body("error", containsString("/api/v1/no-such-view"));
    }

    @Test
    void aDeletedTopicMakesReadinessDownAndIsListedAsAbsentUntilRecreated() throws Exception {
        String topic = TapwireTopic.SERVICE_EDGES.topicName();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.deleteTopics(List.of(topic)).all().get();
            try {
                JsonPath ready = ReadinessWait.untilStatus("DOWN");
                assertThat(ready.getString("checks.find { it.name == 'kafka' }.data.missingTopics")).isEqualTo(topic);

                Map<String, Object> listed = given().when().get("/api/v1/topics")
                        .then().statusCode(200).extract().jsonPath()
                        .getMap("items.find { it.name == '" + topic + "' }");
                assertThat(listed).containsEntry("present", false).containsEntry("partitions", null);
            } finally {
                TapwireKafkaCluster.createTopics(admin);
            }
        }
        ReadinessWait.untilStatus("UP");
    }

    @Test
    void openApiDocumentDescribesTheTopicsEndpoint() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/api/v1/topics"));
    }
}
