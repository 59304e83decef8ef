package io.tapwire.api.ui;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class HeadlessChromiumTest {

    @Test
    void aMissingBrowserFailsNamingThePackagesToInstall() {
        assertThatThrownBy(() -> new HeadlessChromium(Path.of("/nonexistent/chromium"), HeadlessChromium.CHROMEDRIVER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/chromium is missing")
                .hasMessageContaining("apt-get install -y --no-install-recommends chromium chromium-driver");
    }

    @Test
    void aMissingDriverFailsNamingThePackagesToInstall() {
        assertThatThrownBy(() -> new HeadlessChromium(HeadlessChromium.CHROMIUM, Path.of("/nonexistent/chromedriver")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/chromedriver is missing")
                .hasMessageContaining("chromium and chromium-driver");
    }
}
