package io.tapwire.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** The API pointed at an address where no Kafka listens: it starts, says it is not ready, and explains why in JSON. */
@QuarkusTest
@TestProfile(ApiWithoutKafkaIT.NoKafka.class)
class ApiWithoutKafkaIT {

    /** Port 1 (tcpmux) is closed on any machine that runs these tests: connections are refused at once. */
    static final String NOWHERE = "127.0.0.1:1";

    public static class NoKafka implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, NOWHERE, "tapwire.kafka.request-timeout", "1s");
        }
    }

    @Test
    void readinessIs503DownNamingTheBootstrapServers() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .contentType(ContentType.JSON)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'kafka' }.data.bootstrapServers", equalTo(NOWHERE))
                .body("checks.find { it.name == 'kafka' }.data.error", containsString(NOWHERE));
    }

    @Test
    void livenessStaysUpSoTheProcessIsNotRestartedForAnOutsideOutage() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void topicsAnswers503WithAJsonErrorNamingTheBootstrapServers() {
        given().when().get("/api/v1/topics")
                .then().statusCode(503)
                .contentType(ContentType.JSON)
                .header("Retry-After", "5")
                .body("error", containsString(NOWHERE))
                .body("setting", equalTo(KafkaSettings.BOOTSTRAP_SERVERS));
    }

    @Test
    void aBadParameterIsReportedBeforeKafkaIsAsked() {
        given().queryParam("kind", "cooked").when().get("/api/v1/topics")
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("parameter", equalTo("kind"));
    }

    @Test
    void aWrongMethodIsA405JsonError() {
        given().when().post("/api/v1/topics")
                .then().statusCode(405)
                .contentType(ContentType.JSON)
                .body("error", containsString("405"));
    }
}
