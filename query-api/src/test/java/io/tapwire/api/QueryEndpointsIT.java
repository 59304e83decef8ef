package io.tapwire.api;

import static io.restassured.RestAssured.given;
import static io.tapwire.api.DerivedRecords.API;
import static io.tapwire.api.DerivedRecords.NGINX;
import static io.tapwire.api.DerivedRecords.POSTGRES;
import static io.tapwire.api.DerivedRecords.REDIS;
import static io.tapwire.api.ReadModelsFixture.ABORTED;
import static io.tapwire.api.ReadModelsFixture.GONE;
import static io.tapwire.api.ReadModelsFixture.SENTINELS;
import static io.tapwire.api.ReadModelsFixture.WORKER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The services, service map, metric series and events endpoints on the read models of a real broker whose derived
 * topics were written before the API started ({@link ReadModelsFixture}): every figure counted once from the
 * counting side, superseded window updates, aborted transactions and tombstones never shown, and the 400s.
 */
@QuarkusTest
@QuarkusTestResource(value = ReadModelsFixture.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryEndpointsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DNS = "10.0.0.53:53";

    private static volatile String gaveUp;

    private final long now = ConfigProvider.getConfig().getValue(ReadModelsFixture.NOW, Long.class);
    private final long w0 = now / 10_000 * 10_000 - 600_000;

    // ---- readiness ----

    @Test
    @Order(1)
    void readinessIsUpOnlyOnceEveryReadModelHasCaughtUp() throws Exception {
        JsonPath ready = ReadinessWait.untilStatus("UP");

        assertThat(ready.getString("checks.find { it.name == 'read-models' }.status")).isEqualTo("UP");
        // No waiting from here on: whatever was written before the start must be there.
        JsonPath map = given().when().get("/api/v1/service-map").then().statusCode(200).extract().jsonPath();
        for (String sentinel : SENTINELS) {
            assertThat(edge(map, sentinel, NGINX)).containsEntry("requests", 1);
        }
        assertThat(edge(map, API, REDIS).get("protocols")).isEqualTo(List.of("redis", "tcp"));
        assertThat(given().when().get("/api/v1/events").then().extract().jsonPath().getList("items")).hasSize(3);
        assertThat(given().when().get("/api/v1/spans").then().extract().jsonPath().getList("items")).hasSize(6);
    }

    // ---- service map ----

    @Test
    void theServiceMapHasEachCommittedEdgeWithItsRequestsCountedOnceAndItsTcpFigures() throws Exception {
        JsonPath map = awaitAllRead();

        Map<String, Object> apiToNginx = edge(map, API, NGINX);
        assertThat(apiToNginx).containsEntry("protocols", List.of("http", "tcp"))
                .as("client side only; the non-final update superseded; the re-delivered final once; aborted not")
                .containsEntry("requests", 11).containsEntry("errors", 1);
        assertThat(((Number) apiToNginx.get("errorRate")).doubleValue()).isCloseTo(1 / 11.0, within(1e-6));
        assertThat(((Number) apiToNginx.get("requestsPerSecond")).doubleValue()).isCloseTo(11 / 900.0, within(1e-3));
        assertThat(map.getDouble(path(map, API, NGINX) + ".latencyMs.p50")).isCloseTo(5 * 5.5 / 6, within(1e-3));
        assertThat(map.getDouble(path(map, API, NGINX) + ".latencyMs.p95")).isCloseTo(725, within(1e-3));
        assertThat(map.getDouble(path(map, API, NGINX) + ".latencyMs.p99")).isCloseTo(945, within(1e-3));
        assertThat(map.getMap(path(map, API, NGINX) + ".tcp")).containsEntry("connects", 4)
                .containsEntry("failedConnects", 1).containsEntry("retransmits", 4)
                .as("the latest final window's").containsEntry("activeConnections", 1)
                .containsEntry("bytesSent", 1100);

        assertThat(edge(map, API, POSTGRES)).containsEntry("requests", 12).containsEntry("errors", 2)
                .containsEntry("protocols", List.of("postgres", "tcp"));
        assertThat(edge(map, API, REDIS)).containsEntry("requests", 4).containsEntry("protocols", List.of("redis", "tcp"));
        assertThat(edge(map, API, DNS)).containsEntry("requests", 1).containsEntry("protocols", List.of("dns"));
    }

    @Test
    void theServiceMapNeverShowsTombstonedOrAbortedEdgesAndMarksExternalServices() throws Exception {
        JsonPath map = awaitAllRead();

        List<String> pairs = map.getList("edges.collect { it.client + ' -> ' + it.server }", String.class);
        assertThat(pairs).doesNotContain(GONE + " -> " + NGINX, ABORTED + " -> " + NGINX);
        assertThat(map.getList("nodes.id", String.class)).contains(API, NGINX, POSTGRES, REDIS, DNS)
                .doesNotContain(GONE, ABORTED).isSorted();
        assertThat(map.getMap("nodes.find { it.id == '" + DNS + "' }")).containsEntry("kind", "external")
                .containsEntry("external", true);
        assertThat(map.getMap("nodes.find { it.id == '" + NGINX + "' }")).containsEntry("kind", "systemd")
                .containsEntry("external", false);
    }

    @Test
    void aRangeBeforeTheWindowsHasNoRequests() throws Exception {
        awaitAllRead();
        JsonPath map = given().queryParam("from", Instant.ofEpochMilli(w0 - 600_000).toString())
                .queryParam("to", Instant.ofEpochMilli(w0).toString())
                .when().get("/api/v1/service-map").then().statusCode(200).extract().jsonPath();

        assertThat(map.getList("edges.requests", Integer.class)).allMatch(r -> r == 0);
        assertThat(map.getList("edges.server", String.class)).as("edges seen then").contains(NGINX, POSTGRES);
    }

    // ---- services ----

    @Test
    void servicesHaveKindNodesAndInboundAndOutboundTraffic() throws Exception {
        awaitAllRead();
        JsonPath body = given().when().get("/api/v1/services").then().statusCode(200).contentType(ContentType.JSON)
                .extract().jsonPath();

        List<String> names = body.getList("items.service", String.class);
        assertThat(names).contains(API, NGINX, POSTGRES, REDIS, DNS).isSorted();
        Map<String, Object> nginx = body.getMap("items.find { it.service == '" + NGINX + "' }");
        assertThat(nginx).containsEntry("kind", "systemd").containsEntry("external", false)
                .containsEntry("nodes", List.of("node-1", "node-2")).containsEntry("protocols", List.of("http"));
        assertThat(body.getMap("items.find { it.service == '" + NGINX + "' }.inbound"))
                .as("11 from the API, 1 from each sentinel").containsEntry("requests", 14).containsEntry("errors", 1);
        assertThat(body.getMap("items.find { it.service == '" + NGINX + "' }.outbound")).containsEntry("requests", 0)
                .containsEntry("latencyMs", null);
        assertThat(body.getMap("items.find { it.service == '" + API + "' }.outbound"))
                .containsEntry("requests", 11 + 12 + 4 + 1);
    }

    @Test
    void oneServiceByItsEncodedIdOr404() throws Exception {
        awaitAllRead();
        given().urlEncodingEnabled(false).when().get("/api/v1/services/" + encoded(POSTGRES))
                .then().statusCode(200)
                .body("service", equalTo(POSTGRES)).body("kind", equalTo("systemd"))
                .body("inbound.requests", equalTo(12)).body("protocols", equalTo(List.of("postgres")));
        given().urlEncodingEnabled(false).when().get("/api/v1/services/" + encoded(WORKER))
                .then().statusCode(200).body("kind", equalTo("host"))
                .body("nodes", equalTo(List.of())).body("inbound.requests", equalTo(0));
        for (String unknown : List.of("/nope", GONE, ABORTED)) {
            given().urlEncodingEnabled(false).when().get("/api/v1/services/" + encoded(unknown))
                    .then().statusCode(404).contentType(ContentType.JSON)
                    .body("parameter", equalTo("service")).body("error", containsString(unknown));
        }
    }

    // ---- metric series ----

    @Test
    void l7SeriesHaveAPointPerStepWithRequestsByStatus() throws Exception {
        awaitAllRead();
        JsonPath body = given().queryParam("client", API).queryParam("server", NGINX).queryParam("side", "client")
                .queryParam("step", "10s")
                .when().get("/api/v1/metrics/l7").then().statusCode(200).extract().jsonPath();

        assertThat(body.getString("step")).isEqualTo("PT10S");
        assertThat(body.getList("series")).hasSize(1);
        assertThat(body.getString("series[0].protocol")).isEqualTo("http");
        assertThat(body.getList("series[0].points.requests", Integer.class).stream().mapToInt(i -> i).sum())
                .isEqualTo(11);
        String atW0 = "series[0].points.find { it.time == '" + Instant.ofEpochMilli(w0) + "' }";
        assertThat(body.getMap(atW0 + ".byStatus")).isEqualTo(Map.of("2xx", 5, "4xx", 3, "5xx", 1));
        assertThat(body.getInt(atW0 + ".errors")).isEqualTo(1);
        assertThat(body.getList("series[0].points")).as("15 minutes of 10 s steps, the first and last partial")
                .hasSize(91);

        JsonPath bothSides = given().queryParam("client", API).queryParam("server", NGINX).when()
                .get("/api/v1/metrics/l7").then().statusCode(200).extract().jsonPath();
        assertThat(bothSides.getList("series.side", String.class)).containsExactly("client", "server");
        assertThat(bothSides.getList("series[1].points.requests", Integer.class).stream().mapToInt(i -> i).sum())
                .isEqualTo(6);
    }

    @Test
    void tcpSeriesAddUpWindowsPerStep() throws Exception {
        awaitAllRead();
        JsonPath body = given().queryParam("client", API).queryParam("step", "PT10S")
                .when().get("/api/v1/metrics/tcp").then().statusCode(200).extract().jsonPath();

        assertThat(body.getList("series.server", String.class)).containsExactly(NGINX);
        String at = "series[0].points.find { it.time == '%s' }";
        assertThat(body.getMap(at.formatted(Instant.ofEpochMilli(w0)))).containsEntry("connects", 3)
                .containsEntry("failedConnects", 1).containsEntry("activeConnections", 2)
                .containsEntry("bytesReceived", 5000);
        assertThat(body.getMap(at.formatted(Instant.ofEpochMilli(w0 + 10_000)))).containsEntry("connects", 1)
                .containsEntry("activeConnections", 1);
    }

    // ---- events ----

    @Test
    void eventsComeNewestFirstFilteredByTypeAndService() throws Exception {
        awaitAllRead();
        JsonPath all = given().when().get("/api/v1/events").then().statusCode(200).extract().jsonPath();
        assertThat(all.getList("items.type", String.class)).containsExactly("exit_error", "crash", "oom_kill");
        assertThat(all.getList("items.service", String.class)).doesNotContain(ABORTED);

        assertThat(given().queryParam("type", "crash").when().get("/api/v1/events").then().statusCode(200)
                .extract().jsonPath().getList("items.service", String.class)).containsExactly(NGINX);
        Map<String, Object> oom = given().queryParam("service", POSTGRES).when().get("/api/v1/events")
                .then().statusCode(200).extract().jsonPath().getMap("items[0]");
        assertThat(oom).containsEntry("type", "oom_kill").containsEntry("node", "node-2").containsEntry("pid", 300)
                .containsEntry("signal", 9).containsEntry("detail", "anon-rss 20480 kB")
                .containsEntry("time", Instant.ofEpochMilli(now - 180_000).toString());
    }

    // ---- spans detail ----

    @Test
    void spansCarryTheirDetailFields() throws Exception {
        awaitAllRead();
        Map<String, Object> span = given().queryParam("protocol", "postgres").queryParam("status", "failed")
                .when().get("/api/v1/spans").then().statusCode(200).extract().jsonPath().getMap("items[0]");

        assertThat(span).containsKeys("requestBytes", "responseBytes", "firstByteMs", "pid", "errorDetail")
                .containsEntry("node", "node-1");
        assertThat((String) span.get("connectionId")).startsWith("prod/node-1/boot-1/");
    }

    // ---- 400s ----

    @Test
    void badParametersAre400sNamingTheParameter() {
        assertBad("/api/v1/metrics/l7", Map.of("side", "both"), "side", "'both'");
        assertBad("/api/v1/metrics/l7", Map.of("protocol", "smtp"), "protocol", "'smtp'");
        assertBad("/api/v1/metrics/l7", Map.of("client", "/nope"), "client", "unknown service");
        assertBad("/api/v1/metrics/l7", Map.of("server", " "), "server", "empty");
        assertBad("/api/v1/metrics/l7", Map.of("step", "fast"), "step", "'fast'");
        assertBad("/api/v1/metrics/tcp", Map.of("step", "1s", "from", "2026-01-01T00:00:00Z",
                "to", "2026-01-02T00:00:00Z"), "step", "at most 11000");
        assertBad("/api/v1/metrics/tcp", Map.of("server", "/nope"), "server", "unknown service");
        assertBad("/api/v1/service-map", Map.of("from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z"),
                "from", "is after to");
        assertBad("/api/v1/services", Map.of("from", "yesterday"), "from", "ISO-8601");
        assertBad("/api/v1/events", Map.of("type", "reboot"), "type", "'reboot'");
        assertBad("/api/v1/events", Map.of("service", "/nope"), "service", "unknown service");
        assertBad("/api/v1/events", Map.of("limit", "0"), "limit", "from 1 to 1000");
    }

    // ---- helpers ----

    private static void assertBad(String path, Map<String, String> parameters, String parameter, String message) {
        given().queryParams(parameters).when().get(path)
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("parameter", equalTo(parameter))
                .body("error", containsString(message));
    }

    private static String encoded(String service) {
        return URLEncoder.encode(service, StandardCharsets.UTF_8);
    }

    private static String path(JsonPath map, String client, String server) {
        return "edges.find { it.client == '" + client + "' && it.server == '" + server + "' }";
    }

    private static Map<String, Object> edge(JsonPath map, String client, String server) {
        Map<String, Object> edge = map.getMap(path(map, client, server));
        assertThat(edge).as("edge %s -> %s", client, server).isNotNull();
        return edge;
    }

    /**
     * Waits until the last committed record of each topic is read: the sentinels' windows (L7 and TCP), the edge
     * written last (the only one giving the Redis edge its tcp protocol) and the event written last.
     */
    private static JsonPath awaitAllRead() throws InterruptedException {
        assertThat(gaveUp).as("an earlier wait ran out").isNull();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonPath map = given().when().get("/api/v1/service-map").then().statusCode(200).extract().jsonPath();
            JsonPath events = given().when().get("/api/v1/events").then().statusCode(200).extract().jsonPath();
            boolean sentinels = true;
            for (String sentinel : SENTINELS) {
                Map<String, Object> edge = map.getMap(path(map, sentinel, NGINX));
                sentinels &= edge != null && Integer.valueOf(1).equals(edge.get("requests"))
                        && Integer.valueOf(1).equals(((Map<?, ?>) edge.get("tcp")).get("connects"));
            }
            Map<String, Object> redis = map.getMap(path(map, API, REDIS));
            boolean edges = redis != null && ((List<?>) redis.get("protocols")).contains("tcp");
            boolean lastEvent = events.getList("items.pid", Integer.class).contains(ReadModelsFixture.LAST_EVENT_PID);
            if (sentinels && edges && lastEvent) {
                return map;
            }
            if (System.nanoTime() > deadline) {
                gaveUp = "not all read after " + WAIT + " (sentinel windows " + sentinels + ", edges " + edges
                        + ", events " + lastEvent + "); readiness: "
                        + given().when().get("/q/health/ready").asString();
                throw new AssertionError(gaveUp);
            }
            Thread.sleep(100);
        }
    }
}
