package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.tapwire.api.ui.HeadlessChromium;
import io.tapwire.kafka.broker.FreePorts;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.topics.TapwireTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * What a new user sees with {@code bin/run-local --demo}: within a minute of the ready line, the service map has
 * edges from curl, psql and redis-cli to nginx, PostgreSQL and Redis with requests on them, the web UI draws them in a
 * real browser, and {@code /metrics} counts them in Coroot's families.
 */
class DemoE2EIT {

    private static final Duration POPULATED_WITHIN = Duration.ofSeconds(60);

    @Test
    void theDemoPopulatesTheServiceMapWithinAMinute(@TempDir Path data) throws Exception {
        int kafkaPort = FreePorts.pick();
        int controllerPort = FreePorts.pick(kafkaPort);
        int registryPort = FreePorts.pick(kafkaPort, controllerPort);
        int metricsPort = FreePorts.pick(kafkaPort, controllerPort, registryPort);
        int apiPort = FreePorts.pick(kafkaPort, controllerPort, registryPort, metricsPort);
        LocalStackConfig config = LocalStackConfig.parse("--demo", "--data-dir", data.toString(),
                "--kafka-port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(controllerPort),
                "--registry-port", String.valueOf(registryPort), "--api-port", String.valueOf(apiPort),
                "--set", "tapwire.local.api-jar=" + LocalStackIT.API_JAR,
                "--set", "tapwire.collector.metrics-port=" + metricsPort);
        try (LocalStack stack = new LocalStack(config).start()) {
            assertThat(stack.demo()).as("the demo runs").isPresent();
            StackTopics topics = new StackTopics(stack);
            Map<String, String> clientByProtocol = Map.of("http", "/host/curl", "postgres", "/host/psql",
                    "redis", "/host/redis-cli");
            List<ServiceEdge> edges = topics.await(TapwireTopic.SERVICE_EDGES, ServiceEdge.class,
                    // every edge, TCP-only ones too
                    edge -> true, found -> clientByProtocol.entrySet().stream().allMatch(wanted ->
                            found.stream().anyMatch(edge -> edge.getProtocols().contains(wanted.getKey())
                                    && edge.getClientService().equals(wanted.getValue()))), POPULATED_WITHIN);
            clientByProtocol.forEach((protocol, client) -> assertThat(edges)
                    .filteredOn(edge -> edge.getProtocols().contains(protocol))
                    .as("the clients of " + protocol).extracting(ServiceEdge::getClientService).contains(client));
            assertThat(edges).filteredOn(edge -> edge.getProtocols().contains("http"))
                    .extracting(ServiceEdge::getServerService).contains("/host/nginx");
            // Debian's redis-server is a link to redis-check-rdb: named by the name it was started by
            assertThat(edges).filteredOn(edge -> edge.getProtocols().contains("redis"))
                    .extracting(ServiceEdge::getServerService).contains("/host/redis-server");
            // Tapwire's own processes (the stack, its API) are left out, the demo's are not: nothing on the map talks
            // to the stack's broker or registry, and no service is named after one of the stack's threads
            // (tapwire-topology-…, kafka-producer-…, vert.x-…)
            assertThat(edges).extracting(ServiceEdge::getServerService).as("servers on the map")
                    .doesNotContain("127.0.0.1:" + kafkaPort, "127.0.0.1:" + registryPort);
            assertThat(edges).extracting(ServiceEdge::getClientService).as("clients on the map")
                    .noneMatch(client -> client.startsWith("/host/tapwire-") || client.startsWith("/host/kafka-")
                            || client.startsWith("/host/vert.x-"));

            // the web UI draws the same map from the API: real data from the real topology
            try (HeadlessChromium browser = new HeadlessChromium()) {
                browser.open(URI.create(stack.apiUrl().orElseThrow() + "/").toURL(), "#/map");
                assertThat(browser.awaitPage("map")).isEqualTo("ready");
                browser.until(() -> mapEdges(browser).contains("/host/curl -> /host/nginx"),
                        () -> "the map's edges: " + mapEdges(browser));
                assertThat(browser.script("return window.tapwire.map.nodes().map(n => n.id())").toString())
                        .contains("/host/nginx", "/host/curl", "/host/psql", "/host/redis-cli");
                assertThat(browser.script("return window.tapwire.map.nodes().filter(n => n.degree() === 0).map(n => n.id())")
                        .toString()).as("the machine's many processes without a connection are not drawn").isEqualTo("[]");
                assertThat(browser.consoleErrors()).as("console errors").isEmpty();
                browser.screenshot("whole-stack-demo-map");

                // tapped through Cytoscape rather than clicked at a point: on this busier map another edge may cross
                // there (WebUiIT clicks with the pointer)
                browser.script("window.tapwire.map.edges().filter(e => e.source().id() === arguments[0]"
                        + " && e.target().id() === arguments[1])[0].emit('tap')", "/host/curl", "/host/nginx");
                WebElement panel = browser.driver().findElement(By.cssSelector("[data-testid=figures]"));
                browser.until(() -> "edge".equals(panel.getDomAttribute("data-kind")), () -> "the edge's figures");
                assertThat(panel.findElement(By.cssSelector(".edge-ends")).getText()).isEqualTo("/host/curl → /host/nginx");
                assertThat(Long.parseLong(HeadlessChromium.figure(panel, "requests").replace(",", "")))
                        .as("the edge's request count").isPositive();

                // a span filter narrows the list to the demo's PostgreSQL statements
                browser.open(URI.create(stack.apiUrl().orElseThrow() + "/").toURL(), "#/spans");
                assertThat(browser.awaitPage("spans")).isEqualTo("ready");
                browser.driver().findElement(By.cssSelector("select[name=protocol] option[value=postgres]")).click();
                browser.driver().findElement(By.cssSelector("form.filters button[type=submit]")).click();
                browser.until(() -> browser.driver().getCurrentUrl().contains("protocol=postgres") && !spanRows(browser)
                        .isEmpty() && spanRows(browser).stream().allMatch(row -> row.getText().contains("postgres")),
                        () -> "the list of postgres spans");
                assertThat(spanRows(browser)).anySatisfy(row -> assertThat(row.getText()).contains("demo_missing_table"));

                browser.open(URI.create(stack.apiUrl().orElseThrow() + "/").toURL(),
                        "#/service/" + HeadlessChromium.encoded("/host/nginx"));
                assertThat(browser.awaitPage("service")).isEqualTo("ready");
                assertThat(browser.consoleErrors()).as("console errors").isEmpty();
                browser.screenshot("whole-stack-demo-nginx");
            }

            StackApi api = new StackApi(stack.apiUrl().orElseThrow());
            for (String family : List.of("container_http_inbound_requests_total", "container_postgres_inbound_queries_total",
                    "container_redis_inbound_queries_total")) {
                long deadline = System.nanoTime() + POPULATED_WITHIN.toNanos();
                while (api.metricSum(family, Map.of()) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                assertThat(api.metricSum(family, Map.of())).as(family).isPositive();
            }
        }
    }

    private static String mapEdges(HeadlessChromium browser) {
        return String.valueOf(browser.script(
                "return window.tapwire.map.edges().map(e => e.source().id() + ' -> ' + e.target().id())"));
    }

    private static List<WebElement> spanRows(HeadlessChromium browser) {
        return browser.driver().findElements(By.cssSelector("table.spans tbody tr"));
    }
}
