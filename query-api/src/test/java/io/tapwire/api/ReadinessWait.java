package io.tapwire.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.restassured.path.json.JsonPath;

/** Polls {@code /q/health/ready}: Kafka applies topic and broker changes a moment after acknowledging them. */
final class ReadinessWait {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private ReadinessWait() {
    }

    /** The first readiness body whose overall status is {@code status}; fails after {@link #WAIT}. */
    static JsonPath untilStatus(String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonPath body = given().when().get("/q/health/ready").then().extract().jsonPath();
            if (status.equals(body.getString("status"))) {
                return body;
            }
            assertThat(System.nanoTime()).as("readiness still %s after %s", body.prettify(), WAIT).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
