package io.tapwire.api.ui;

import static io.tapwire.api.ui.ShopDataset.BATCH;
import static io.tapwire.api.ui.ShopDataset.CHECKOUT;
import static io.tapwire.api.ui.ShopDataset.FRONTEND;
import static io.tapwire.api.ui.ShopDataset.PAYMENTS;
import static io.tapwire.api.ui.ShopDataset.POSTGRES;
import static io.tapwire.api.ui.ShopDataset.REDIS;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * The web UI in a real headless Chromium against the running API, whose read models hold {@link ShopDataset}: every
 * page loads without console errors, the map shows the shop's services and edges, a click on an edge shows its
 * figures, a span filter narrows the list, API errors reach the user. Screenshots of the map and of a service page are
 * left in target/ui-screenshots/.
 */
@QuarkusTest
@QuarkusTestResource(value = ShopDataset.Fixture.class, restrictToAnnotatedClass = true)
class WebUiIT {

    private static HeadlessChromium browser;
    private static final ApiWait api = new ApiWait();

    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void startBrowser() {
        browser = new HeadlessChromium();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void forgetEarlierConsoleMessages() {
        browser.consoleErrors();
    }

    @Test
    void everyPageLoadsWithoutConsoleErrors() throws InterruptedException {
        awaitDataset();
        for (String[] page : new String[][] {{"map", "#/map"}, {"service", "#/service/" + encoded(CHECKOUT)},
                {"service", "#/service/" + encoded(PAYMENTS)}, {"spans", "#/spans"}, {"events", "#/events"}}) {
            open(page[1]);
            assertThat(browser.awaitPage(page[0])).as(page[1] + ", banner: " + browser.banner()).isEqualTo("ready");
            assertThat(browser.banner()).as(page[1]).isEmpty();
            assertThat(browser.consoleErrors()).as("console errors on " + page[1]).isEmpty();
        }
    }

    @Test
    void theMapShowsTheServicesAndTheirEdgesWithExternalServicesMarked() throws InterruptedException {
        awaitDataset();
        open("#/map");
        assertThat(browser.awaitPage("map")).isEqualTo("ready");

        assertThat(strings("return window.tapwire.map.nodes().map(n => n.id())"))
                .containsExactlyInAnyOrderElementsOf(ShopDataset.SERVICES);
        assertThat(strings("return window.tapwire.map.edges().map(e => e.source().id() + ' -> ' + e.target().id())"))
                .containsExactlyInAnyOrder(FRONTEND + " -> " + CHECKOUT, CHECKOUT + " -> " + POSTGRES,
                        CHECKOUT + " -> " + REDIS, CHECKOUT + " -> " + PAYMENTS, BATCH + " -> " + REDIS);
        assertThat(strings("return window.tapwire.map.nodes('.external').map(n => n.id())")).containsExactly(PAYMENTS);
        assertThat(browser.driver().findElement(By.cssSelector("[data-testid=map-summary]")).getText())
                .startsWith("6 of 6 services, 5 of 5 edges");
        List<WebElement> rows = browser.driver().findElements(By.cssSelector(".edge-table tbody tr"));
        assertThat(rows).hasSize(ShopDataset.EDGES);
        assertThat(rows.get(0).getText()).as("busiest edge first").contains(CHECKOUT, REDIS, "500");
        browser.screenshot("service-map");
    }

    @Test
    void clickingAnEdgeShowsItsRequestCount() throws InterruptedException {
        awaitDataset();
        open("#/map");
        assertThat(browser.awaitPage("map")).isEqualTo("ready");

        browser.clickMapEdge(FRONTEND, CHECKOUT);

        WebElement panel = browser.driver().findElement(By.cssSelector("[data-testid=figures]"));
        until("the edge's figures", () -> "edge".equals(panel.getDomAttribute("data-kind")));
        assertThat(panel.findElement(By.cssSelector(".edge-ends")).getText()).isEqualTo(FRONTEND + " → " + CHECKOUT);
        assertThat(figure(panel, "requests")).isEqualTo(String.valueOf(ShopDataset.FRONTEND_CHECKOUT_REQUESTS));
        assertThat(figure(panel, "errors")).isEqualTo(String.valueOf(ShopDataset.FRONTEND_CHECKOUT_ERRORS));
        assertThat(figure(panel, "errorRate")).isEqualTo("5.0%");
        assertThat(figure(panel, "protocols")).contains("http");
        assertThat(browser.consoleErrors()).isEmpty();
        browser.screenshot("service-map-edge");
    }

    @Test
    void clickingAServiceShowsItsFiguresAndLeadsToItsPage() throws InterruptedException {
        awaitDataset();
        open("#/map");
        assertThat(browser.awaitPage("map")).isEqualTo("ready");
        browser.clickMapNode(CHECKOUT);

        WebElement panel = browser.driver().findElement(By.cssSelector("[data-testid=figures]"));
        until("the service's figures", () -> "service".equals(panel.getDomAttribute("data-kind"))
                && !panel.findElements(By.cssSelector("tr[data-direction=inbound]")).isEmpty());
        assertThat(panel.findElement(By.cssSelector("h3")).getText()).isEqualTo(CHECKOUT);
        assertThat(panel.findElement(By.cssSelector("tr[data-direction=inbound]")).getText())
                .contains(String.valueOf(ShopDataset.FRONTEND_CHECKOUT_REQUESTS));
        panel.findElement(By.linkText("Open the service page")).click();
        assertThat(browser.awaitPage("service")).isEqualTo("ready");
        assertThat(browser.driver().findElement(By.cssSelector("#page h1")).getText()).isEqualTo(CHECKOUT);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void theTimeRangeNarrowsWhatTheMapCounts() throws InterruptedException {
        awaitDataset();
        open("#/map");
        assertThat(browser.awaitPage("map")).isEqualTo("ready");
        assertThat(edgeRow(FRONTEND, CHECKOUT)).contains(" 120 ");

        // The last 5 minutes hold only the newest of the three windows: a third of the requests.
        browser.driver().findElement(By.cssSelector("#range select[name=preset] option[value='5m']")).click();
        until("the map of the last 5 minutes", () -> browser.driver().getCurrentUrl().contains("range=5m")
                && "ready".equals(browser.driver().findElement(By.id("page")).getDomAttribute("data-state"))
                && edgeRow(FRONTEND, CHECKOUT).contains(" 40 "));
        assertThat(browser.consoleErrors()).isEmpty();
    }

    /** The text of the map's edge table row for client → server, cells separated by spaces. */
    private static String edgeRow(String client, String server) {
        try {
            return browser.driver().findElements(By.cssSelector(".edge-table tbody tr")).stream()
                    .map(row -> " " + row.getText().replace("\n", " ") + " ")
                    .filter(text -> text.startsWith(" " + client + " " + server + " "))
                    .findFirst().orElse("(no row " + client + " -> " + server + ")");
        } catch (StaleElementReferenceException e) {
            return "(the table was being redrawn)";
        }
    }

    @Test
    void aSpanFilterChangesTheListAndASpanOpensItsDetails() throws InterruptedException {
        awaitSpans();
        open("#/spans");
        assertThat(browser.awaitPage("spans")).isEqualTo("ready");
        assertThat(spanRows()).hasSize(ShopDataset.SPANS);

        browser.driver().findElement(By.cssSelector("select[name=protocol] option[value=postgres]")).click();
        browser.driver().findElement(By.cssSelector("form.filters button[type=submit]")).click();
        until("the list of postgres spans", () -> spanRows().size() == ShopDataset.POSTGRES_SPANS);
        assertThat(spanRows()).allSatisfy(row -> assertThat(row.getText()).contains("postgres"));
        assertThat(spanRows().get(0).getText()).as("newest first").contains("COMMIT");
        assertThat(browser.driver().getCurrentUrl()).contains("protocol=postgres");

        spanRows().stream().filter(row -> row.getText().contains("INSERT")).findFirst().orElseThrow()
                .findElement(By.cssSelector(".resource")).click();
        WebElement detail = browser.driver().findElement(By.cssSelector("[data-testid=span-detail]"));
        assertThat(detail.isDisplayed()).isTrue();
        assertThat(detail.findElement(By.cssSelector("[data-testid=span-resource]")).getText())
                .isEqualTo(ShopDataset.FAILED_INSERT);
        assertThat(figure(detail, "status")).isEqualTo("failed (an error)");
        assertThat(figure(detail, "durationMs")).isEqualTo("21 ms");
        assertThat(figure(detail, "destination")).isEqualTo(ShopDataset.POSTGRES_AT);
        assertThat(browser.consoleErrors()).isEmpty();
        browser.screenshot("spans");
    }

    @Test
    void aServicePageShowsItsRedOverTimeItsTcpFiguresAndItsEvents() throws InterruptedException {
        awaitDataset();
        open("#/service/" + encoded(CHECKOUT));
        assertThat(browser.awaitPage("service")).isEqualTo("ready");
        assertThat(browser.banner()).isEmpty();

        WebElement main = browser.driver().findElement(By.id("page"));
        assertThat(main.findElement(By.cssSelector("h1")).getText()).isEqualTo(CHECKOUT);
        assertThat(main.findElement(By.cssSelector("tr[data-direction=inbound]")).getText())
                .contains(String.valueOf(ShopDataset.FRONTEND_CHECKOUT_REQUESTS));
        for (String section : List.of("inbound", "outbound")) {
            List<WebElement> charts = main.findElements(By.cssSelector("[data-section=" + section + "] figure.chart"));
            assertThat(charts).as(section + " charts").hasSize(3);
            until(section + " charts drawn", () -> charts.stream()
                    .allMatch(chart -> !chart.findElements(By.tagName("canvas")).isEmpty()));
        }
        assertThat(main.findElement(By.cssSelector("[data-section=outbound]")).getText())
                .contains(POSTGRES, REDIS, PAYMENTS);
        assertThat(main.findElements(By.cssSelector("[data-section=tcp] figure.chart canvas"))).isNotEmpty();
        assertThat(main.findElements(By.cssSelector("[data-section=events] tr[data-event]")))
                .extracting(row -> row.getDomAttribute("data-event")).containsExactly("restart", "oom_kill");

        browser.driver().manage().window().setSize(new Dimension(1400, 2400));
        try {
            browser.screenshot("service-page");
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1400, 1000));
        }
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void eventsAreListedWithLinksToTheirServices() throws InterruptedException {
        awaitDataset();
        open("#/events");
        assertThat(browser.awaitPage("events")).isEqualTo("ready");
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("tr[data-event]"));
        assertThat(rows).extracting(row -> row.getDomAttribute("data-event"))
                .containsExactly("restart", "oom_kill", "crash");
        browser.screenshot("events");
        WebElement crash = rows.get(2);
        assertThat(crash.getText()).contains("crash", REDIS, "11");
        crash.findElement(By.linkText(REDIS)).click();
        assertThat(browser.awaitPage("service")).isEqualTo("ready");
        assertThat(browser.driver().findElement(By.cssSelector("#page h1")).getText()).isEqualTo(REDIS);
    }

    @Test
    void apiErrorsAreShownToTheUser() {
        open("#/spans?minDurationMs=-5");
        assertThat(browser.awaitPage("spans")).isEqualTo("error");
        assertThat(browser.banner()).contains("400", "minDurationMs");

        open("#/service/" + encoded("/no/such/service"));
        assertThat(browser.awaitPage("service")).isEqualTo("error");
        assertThat(browser.banner()).contains("404", "/api/v1/services/");
    }

    // ---- helpers ----

    /** A real click on the map's canvas at a point given in the graph's rendered coordinates. */
    private void open(String hash) {
        browser.open(root, hash);
    }

    private static String encoded(String service) {
        return HeadlessChromium.encoded(service);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(String script) {
        return (List<String>) browser.script(script);
    }

    private static String figure(WebElement container, String name) {
        return HeadlessChromium.figure(container, name);
    }

    private static List<WebElement> spanRows() {
        return browser.driver().findElements(By.cssSelector("table.spans tbody tr"));
    }

    private static void until(String what, BooleanSupplier condition) {
        browser.until(condition, () -> what + " did not show; the banner says: " + browser.banner());
    }

    /** Waits until the API serves the whole dataset, so that what the pages show is all of it. */
    private static void awaitDataset() throws InterruptedException {
        awaitSpans();
        api.until("/api/v1/service-map", r -> r.jsonPath().getList("edges").size() == ShopDataset.EDGES);
        api.until("/api/v1/events", r -> r.jsonPath().getList("items").size() == 3);
    }

    private static void awaitSpans() throws InterruptedException {
        api.until("/api/v1/spans?limit=1000", r -> r.jsonPath().getList("items").size() == ShopDataset.SPANS);
    }
}
