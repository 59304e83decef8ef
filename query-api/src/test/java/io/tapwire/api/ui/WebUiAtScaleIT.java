package io.tapwire.api.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web UI with {@value ManyServicesDataset#SERVICES} services ({@link ManyServicesDataset}): the map draws only the
 * busiest ones and finds any other through its filter box, and the map and a service page are ready within 2 s of
 * the start of navigation, each in a fresh browser (nothing cached), on this 2-core machine.
 */
@QuarkusTest
@QuarkusTestResource(value = ManyServicesDataset.Fixture.class, restrictToAnnotatedClass = true)
class WebUiAtScaleIT {

    private static final double BUDGET_MS = 2000;

    private static final ApiWait api = new ApiWait();

    /** A new browser with a new profile for each test, so that its first page load has nothing cached. */
    private HeadlessChromium browser;

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void startBrowser() {
        browser = new HeadlessChromium();
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void theMapOfAThousandServicesShowsTheBusiestAndFindsAnyOtherWithinTwoSeconds() throws InterruptedException {
        awaitDataset();
        browser.open(root, "#/map");
        assertThat(browser.awaitPage("map")).as(browser.banner()).isEqualTo("ready");
        double cold = browser.pageReadyMs();
        browser.open(root, "#/map");
        assertThat(browser.awaitPage("map")).isEqualTo("ready");
        double warm = browser.pageReadyMs();
        System.out.printf("web UI, %d services: map ready %.0f ms after navigation start (fresh browser), %.0f ms "
                + "(cached scripts)%n", ManyServicesDataset.SERVICES, cold, warm);
        assertThat(cold).as("map ready, ms").isLessThan(BUDGET_MS);

        assertThat(summary()).startsWith("50 of 1000 services");
        assertThat(nodeIds()).hasSize(50).contains(ManyServicesDataset.service(0), ManyServicesDataset.service(1))
                .as("the quietest leaf is not drawn").doesNotContain(ManyServicesDataset.service(999));

        // The largest choice: 500 services laid out and drawn again in the page, without going back to the API.
        long start = System.nanoTime();
        browser.driver().findElement(By.cssSelector(".toolbar select option[value='500']")).click();
        browser.until(() -> nodeIds().size() == 500, () -> "the map did not grow to 500 services: " + summary());
        double top500 = (System.nanoTime() - start) / 1e6;
        System.out.printf("web UI, %d services: top 500 drawn %.0f ms after the choice%n",
                ManyServicesDataset.SERVICES, top500);
        assertThat(top500).as("top 500 drawn, ms").isLessThan(BUDGET_MS);
        browser.driver().findElement(By.cssSelector(".toolbar select option[value='50']")).click();

        WebElement filter = browser.driver().findElement(By.cssSelector(".toolbar input[type=search]"));
        filter.sendKeys("svc-0042");
        // svc-0042 with its caller svc-0004 and its ten callees svc-0420 … svc-0429
        browser.until(() -> nodeIds().size() == 12, () -> "the filter did not narrow the map: " + nodeIds());
        assertThat(nodeIds()).contains(ManyServicesDataset.service(42), ManyServicesDataset.service(4),
                ManyServicesDataset.service(420), ManyServicesDataset.service(429));
        assertThat(summary()).startsWith("12 of 1000 services, 11 of 999 edges (matching \"svc-0042\"");
        browser.screenshot("service-map-1000-services");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void aServicePageLoadsWithinTwoSeconds() throws InterruptedException {
        awaitDataset();
        String busiest = ManyServicesDataset.service(1);
        browser.open(root, "#/service/" + HeadlessChromium.encoded(busiest));
        assertThat(browser.awaitPage("service")).as(browser.banner()).isEqualTo("ready");
        double ms = browser.pageReadyMs();
        System.out.printf("web UI, %d services: service page of %s ready %.0f ms after navigation start (fresh "
                + "browser)%n",
                ManyServicesDataset.SERVICES, busiest, ms);
        assertThat(ms).as("service page ready, ms").isLessThan(BUDGET_MS);
        assertThat(browser.driver().findElements(By.cssSelector("[data-section=outbound] table.peers tbody tr")))
                .as("one row per callee").hasSize(10);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    private static void awaitDataset() throws InterruptedException {
        api.until("/api/v1/service-map", r -> r.jsonPath().getList("nodes").size() == ManyServicesDataset.SERVICES
                && r.jsonPath().getList("edges").size() == ManyServicesDataset.EDGES);
    }

    private String summary() {
        return browser.driver().findElement(By.cssSelector("[data-testid=map-summary]")).getText();
    }

    @SuppressWarnings("unchecked")
    private List<String> nodeIds() {
        return (List<String>) browser.script("return window.tapwire.map.nodes().map(n => n.id())");
    }
}
