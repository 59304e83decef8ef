package io.tapwire.api;

import static io.restassured.RestAssured.given;
import static io.tapwire.api.DerivedRecords.API;
import static io.tapwire.api.DerivedRecords.NGINX;
import static io.tapwire.api.DerivedRecords.NGINX_AT;
import static io.tapwire.api.DerivedRecords.POSTGRES;
import static io.tapwire.api.DerivedRecords.POSTGRES_AT;
import static io.tapwire.api.DerivedRecords.REDIS_AT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tapwire.api.StrictExpositionParser.Family;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The API's read models behind its HTTP endpoints, on a real broker whose derived topics were written before the API
 * started ({@link ReadModelsFixture}): span search with its filters, order, limit and 400s, and {@code /metrics}
 * read strictly and held against Coroot's families.
 */
@QuarkusTest
@QuarkusTestResource(value = ReadModelsFixture.class, restrictToAnnotatedClass = true)
class ReadModelsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Set once a wait ran out, so the other tests fail at once instead of waiting again for what does not come. */
    private static volatile String gaveUp;
    private static final long MINUTE = 60_000;

    /**
     * The fixture's "now". Read from the config when a test runs, not injected: Quarkus checks every injected config
     * property at each application start, also those of the other test classes, which have no fixture.
     */
    private final long now = ConfigProvider.getConfig().getValue(ReadModelsFixture.NOW, Long.class);

    // ---- spans ----

    @Test
    void spansOfTheLast15MinutesComeNewestFirstWithTheirFields() throws Exception {
        awaitAllSpans();
        JsonPath body = given().when().get("/api/v1/spans")
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();

        assertThat(body.getList("items.startTime", String.class)).containsExactly(at(-MINUTE + 1), at(-MINUTE),
                at(-2 * MINUTE), at(-3 * MINUTE), at(-4 * MINUTE), at(-5 * MINUTE));
        Map<String, Object> client = body.getMap("items[1]");
        assertThat(client).containsEntry("side", "client").containsEntry("clientService", API)
                .containsEntry("serverService", NGINX).containsEntry("destination", NGINX_AT)
                .containsEntry("protocol", "http").containsEntry("operation", "GET")
                .containsEntry("resource", "/users/{id}").containsEntry("status", "200")
                .containsEntry("error", false).containsEntry("durationMs", 12.5f);
        assertThat(body.getString("items[0].side")).isEqualTo("server");
    }

    @Test
    void spansAreFilteredByServiceProtocolStatusAndDuration() throws Exception {
        awaitAllSpans();
        assertThat(resources(Map.of("service", POSTGRES))).containsExactly("SELECT * FROM users WHERE id = ?",
                "INSERT INTO orders VALUES (?)");
        assertThat(resources(Map.of("service", API, "protocol", "http")))
                .containsExactly("/users/{id}", "/users/{id}", "/orders");
        assertThat(resources(Map.of("status", "failed"))).containsExactly("INSERT INTO orders VALUES (?)");
        assertThat(resources(Map.of("minDurationMs", "100"))).containsExactly("INSERT INTO orders VALUES (?)", "/orders");
        assertThat(resources(Map.of("minDurationMs", "0.4", "protocol", "redis"))).containsExactly("session:?");
        assertThat(resources(Map.of("minDurationMs", "0.41", "protocol", "redis"))).isEmpty();
    }

    @Test
    void spansAreSearchedInTheGivenRangeUpToTheLimit() throws Exception {
        awaitAllSpans();
        assertThat(resources(Map.of("from", at(-30 * MINUTE)))).hasSize(7).endsWith("/jobs");
        assertThat(resources(Map.of("to", at(-90_000)))).containsExactly("SELECT * FROM users WHERE id = ?",
                "INSERT INTO orders VALUES (?)", "session:?", "/orders");
        assertThat(resources(Map.of("limit", "2"))).containsExactly("/users/{id}", "/users/{id}");
    }

    @Test
    void spansOlderThanTheRetentionAndAbortedOnesAreNeverShown() throws Exception {
        awaitAllSpans();
        assertThat(resources(Map.of("from", at(-180 * MINUTE), "limit", "1000")))
                .hasSize(7).doesNotContain("/old", "/aborted");
    }

    @Test
    void badSpanParametersAre400sNamingTheParameter() {
        assertBad(Map.of("from", at(0), "to", at(-MINUTE)), "from", "is after to");
        assertBad(Map.of("from", "yesterday"), "from", "ISO-8601");
        assertBad(Map.of("to", "2026-01-31T12:00:00"), "to", "ISO-8601");
        assertBad(Map.of("minDurationMs", "slow"), "minDurationMs", "'slow'");
        assertBad(Map.of("minDurationMs", "-5"), "minDurationMs", "'-5'");
        assertBad(Map.of("protocol", "smtp"), "protocol", "'smtp'");
        assertBad(Map.of("limit", "0"), "limit", "from 1 to 1000");
        assertBad(Map.of("limit", "1001"), "limit", "from 1 to 1000");
        assertBad(Map.of("limit", "many"), "limit", "'many'");
        assertBad(Map.of("service", "/system.slice/no-such.service"), "service", "unknown service");
    }

    // ---- /metrics ----

    @Test
    void metricsAreAStrictPrometheusExpositionOfCorootsFamilies() throws Exception {
        ReadinessWait.untilStatus("UP");
        Map<String, Family> families = awaitAllMetrics();

        CorootGolden.check(families);
        assertThat(families.keySet()).containsExactlyInAnyOrder(
                "container_http_requests_total", "container_http_requests_duration_seconds_total",
                "container_http_inbound_requests_total", "container_http_inbound_requests_duration_seconds_total",
                "container_postgres_queries_total", "container_postgres_queries_duration_seconds_total",
                "container_postgres_inbound_queries_total",
                "container_postgres_inbound_queries_duration_seconds_total",
                "container_redis_queries_total", "container_redis_queries_duration_seconds_total",
                "container_net_tcp_successful_connects_total", "container_net_tcp_connection_time_seconds_total",
                "container_net_tcp_failed_connects_total", "container_net_tcp_active_connections",
                "container_net_tcp_retransmits_total", "container_net_tcp_bytes_sent_total",
                "container_net_tcp_bytes_received_total", "container_net_tcp_listen_info", "container_oom_kills_total",
                "container_info", "tapwire_api_counter_records_skipped_total");
        assertThat(families.values()).allSatisfy(f -> assertThat(f.help()).isNotBlank());
    }

    @Test
    void metricsCountEveryCommittedFinalWindowOnce() throws Exception {
        Map<String, Family> families = awaitAllMetrics();
        Map<String, String> toNginx = destination(API, NGINX_AT);

        String requests = "container_http_requests_total";
        assertThat(families.get(requests).value(requests, status(toNginx, "2xx"))).as("re-delivered once").isEqualTo(7);
        assertThat(families.get(requests).value(requests, status(toNginx, "4xx"))).as("the final, not its update besides")
                .isEqualTo(3);
        assertThat(families.get(requests).value(requests, status(toNginx, "5xx"))).isEqualTo(1);

        String latency = "container_http_requests_duration_seconds_total";
        Family histogram = families.get(latency);
        assertThat(histogram.value(latency + "_count", toNginx)).isEqualTo(11);
        assertThat(histogram.value(latency + "_sum", toNginx)).isEqualTo(1.24);
        assertThat(histogram.value(latency + "_bucket", with(toNginx, "le", "0.005"))).isEqualTo(6);
        assertThat(histogram.value(latency + "_bucket", with(toNginx, "le", "0.05"))).isEqualTo(8);
        assertThat(histogram.value(latency + "_bucket", with(toNginx, "le", "0.5"))).isEqualTo(10);
        assertThat(histogram.value(latency + "_bucket", with(toNginx, "le", "+Inf"))).isEqualTo(11);

        String inbound = "container_http_inbound_requests_total";
        assertThat(families.get(inbound).value(inbound, Map.of("container_id", NGINX, "status", "2xx"))).isEqualTo(5);
        assertThat(families.get(inbound).value(inbound, Map.of("container_id", NGINX, "status", "5xx"))).isEqualTo(1);
        String inboundLatency = "container_http_inbound_requests_duration_seconds_total";
        assertThat(families.get(inboundLatency).value(inboundLatency + "_sum", Map.of("container_id", NGINX)))
                .isEqualTo(0.904);

        String queries = "container_postgres_queries_total";
        Map<String, String> toPostgres = destination(API, POSTGRES_AT);
        assertThat(families.get(queries).value(queries, status(toPostgres, "ok"))).isEqualTo(10);
        assertThat(families.get(queries).value(queries, status(toPostgres, "failed"))).isEqualTo(2);
        String inboundQueries = "container_postgres_inbound_queries_total";
        assertThat(families.get(inboundQueries).value(inboundQueries, Map.of("container_id", POSTGRES, "status", "ok")))
                .isEqualTo(10);
        String redis = "container_redis_queries_total";
        assertThat(families.get(redis).value(redis, status(destination(API, REDIS_AT), "ok"))).isEqualTo(4);

        String skipped = "tapwire_api_counter_records_skipped_total";
        assertThat(families.get(skipped).value(skipped, Map.of("topic", "tapwire.l7.metrics.v1", "reason", "duplicate")))
                .isEqualTo(1);
    }

    @Test
    void runningServicesTheirListenAddressesAndOomKillsAreExposed() throws Exception {
        ReadinessWait.untilStatus("UP");
        Map<String, Family> families = awaitAllMetrics();
        CorootGolden.check(families);
        Map<String, String> noImage = Map.of("image", "", "systemd_triggered_by", "");
        assertThat(value(families, "container_info", with(noImage, "container_id", NGINX))).isEqualTo(1);
        assertThat(value(families, "container_info", with(noImage, "container_id", POSTGRES))).isEqualTo(1);
        assertThat(families.get("container_info").samples()).as("the worker's processes have all exited")
                .noneMatch(sample -> ReadModelsFixture.WORKER.equals(sample.labels().get("container_id")));
        assertThat(families.get("container_net_tcp_listen_info").samples())
                .extracting(sample -> sample.labels().get("listen_addr")).as("the closed listener is gone")
                .containsExactlyInAnyOrder("10.0.0.1:80", "127.0.0.1:80");
        assertThat(value(families, "container_oom_kills_total", Map.of("container_id", POSTGRES))).isEqualTo(1);
    }

    @Test
    void tcpMetricsSumFinalWindowsAndActiveConnectionsIsTheLatestFinalWindows() throws Exception {
        Map<String, Family> families = awaitAllMetrics();
        Map<String, String> toNginx = destination(API, NGINX_AT);

        assertThat(value(families, "container_net_tcp_successful_connects_total", toNginx)).isEqualTo(4);
        assertThat(value(families, "container_net_tcp_failed_connects_total",
                Map.of("container_id", API, "destination", NGINX_AT))).isEqualTo(1);
        assertThat(value(families, "container_net_tcp_connection_time_seconds_total", toNginx)).isEqualTo(0.003);
        assertThat(value(families, "container_net_tcp_active_connections", toNginx)).isEqualTo(1);
        assertThat(value(families, "container_net_tcp_retransmits_total", toNginx)).isEqualTo(4);
        assertThat(value(families, "container_net_tcp_bytes_sent_total", toNginx)).isEqualTo(1100);
        assertThat(value(families, "container_net_tcp_bytes_received_total", toNginx)).isEqualTo(5200);
    }

    @Test
    void metricsAnswerAPrometheusScrapersAcceptHeaderWithTheTextFormat() {
        given().header("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,"
                        + "*/*;q=0.1")
                .when().get("/metrics")
                .then().statusCode(200)
                .header("Content-Type", containsString("text/plain"))
                .header("Content-Type", containsString("version=0.0.4"));
    }

    // ---- helpers ----

    private String at(long offsetMs) {
        return Instant.ofEpochMilli(now + offsetMs).toString();
    }

    private static List<String> resources(Map<String, String> parameters) {
        return given().queryParams(parameters).when().get("/api/v1/spans")
                .then().statusCode(200).extract().jsonPath().getList("items.resource", String.class);
    }

    private static void assertBad(Map<String, String> parameters, String parameter, String message) {
        given().queryParams(parameters).when().get("/api/v1/spans")
                .then().statusCode(400)
                .contentType(ContentType.JSON)
                .body("parameter", equalTo(parameter))
                .body("error", containsString(message));
    }

    /** Waits until the seven committed spans within the retention are in, the last of them written after the aborted one. */
    private void awaitAllSpans() throws InterruptedException {
        assertThat(gaveUp).as("an earlier wait ran out").isNull();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (resources(Map.of("from", at(-180 * MINUTE), "limit", "1000")).size() < 7) {
            giveUpAfter(deadline, "spans not all read after " + WAIT);
            Thread.sleep(100);
        }
    }

    private static void giveUpAfter(long deadline, String why) {
        if (System.nanoTime() > deadline) {
            gaveUp = why + "; readiness: " + given().when().get("/q/health/ready").asString();
            throw new AssertionError(gaveUp);
        }
    }

    /** Waits until every partition's sentinel counts in both metric topics: all before them has been read. */
    private static Map<String, Family> awaitAllMetrics() throws InterruptedException {
        assertThat(gaveUp).as("an earlier wait ran out").isNull();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Response response = given().when().get("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            Map<String, Family> families = StrictExpositionParser.parse(response.asString());
            if (sentinelsIn(families, "container_http_requests_total")
                    && sentinelsIn(families, "container_net_tcp_successful_connects_total")) {
                return families;
            }
            giveUpAfter(deadline, "metrics not all read after " + WAIT + ": " + families.keySet());
            Thread.sleep(100);
        }
    }

    private static boolean sentinelsIn(Map<String, Family> families, String name) {
        Family family = families.get(name);
        if (family == null) {
            return false;
        }
        Set<String> containers = new HashSet<>();
        family.samples().forEach(s -> containers.add(s.labels().get("container_id")));
        return containers.containsAll(List.of(ReadModelsFixture.SENTINELS));
    }

    private static double value(Map<String, Family> families, String name, Map<String, String> labels) {
        return families.get(name).value(name, labels);
    }

    private static Map<String, String> destination(String container, String destination) {
        return Map.of("container_id", container, "destination", destination, "actual_destination", destination);
    }

    private static Map<String, String> status(Map<String, String> labels, String status) {
        return with(labels, "status", status);
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new HashMap<>(labels);
        more.put(name, value);
        return more;
    }
}
