package io.tapwire.api.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The web UI before anything was observed: each page says so and what to do, without errors. */
@QuarkusTest
@QuarkusTestResource(value = WebUiWithoutDataIT.NoData.class, restrictToAnnotatedClass = true)
class WebUiWithoutDataIT {

    /** Every topic exists, none holds a record. */
    public static class NoData extends DatasetFixture {
        @Override
        protected void write(UiRecordWriter writer, long now) {
        }
    }

    private static HeadlessChromium browser;

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

    @Test
    void emptyPagesSayToStartTheCollectorAndGenerateTraffic() {
        for (String page : new String[] {"map", "spans", "events"}) {
            browser.open(root, "#/" + page);
            assertThat(browser.awaitPage(page)).as(page + ": " + browser.banner()).isEqualTo("ready");
            String empty = browser.driver().findElement(By.cssSelector("#page .empty")).getText();
            assertThat(empty.toLowerCase()).as(page).contains("start the collector", "bin/run-local");
            assertThat(browser.banner()).as(page).isEmpty();
            assertThat(browser.consoleErrors()).as(page).isEmpty();
        }
        browser.open(root, "#/map");
        browser.awaitPage("map");
        assertThat(browser.driver().findElement(By.cssSelector("#page .empty")).getText())
                .contains("No services seen in this time range", "generate some traffic");
    }
}
