package io.tapwire.api.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through its chromedriver, with the flags this machine needs (no sandbox as root;
 * no background networking, which keeps trying hosts the network cannot reach) and a fresh profile. Selenium's own
 * driver download (Selenium Manager) is never used: both binaries are given by path. A missing package fails the test
 * with the command that installs it.
 */
public final class HeadlessChromium implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL = "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
            + "chromium chromium-driver";
    /** Where the screenshots go, as test artefacts. */
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Path profile;
    private final ChromeDriver driver;

    public HeadlessChromium() {
        this(CHROMIUM, CHROMEDRIVER);
    }

    HeadlessChromium(Path chromium, Path chromedriver) {
        for (Path binary : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: the web UI's browser tests need Debian's "
                        + "packages chromium and chromium-driver. Install them with: " + INSTALL);
            }
        }
        try {
            profile = Files.createTempDirectory("tapwire-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 1000));
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a page of the UI in a new document (a hash change alone would keep the page and console before). */
    public void open(URL root, String hash) {
        driver.get("about:blank");
        driver.get(root.toString() + hash);
    }

    /** A service id as one segment of the UI's hash (the UI decodes it with decodeURIComponent). */
    public static String encoded(String service) {
        return URLEncoder.encode(service, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Clicks the map's edge client → server a third of the way from its client, off its label. */
    public void clickMapEdge(String client, String server) {
        clickMap(script("""
                const cy = window.tapwire.map;
                const edge = cy.edges().filter(e => e.source().id() === arguments[0] && e.target().id() === arguments[1])[0];
                const s = edge.sourceEndpoint(), t = edge.targetEndpoint(), zoom = cy.zoom(), pan = cy.pan();
                return {x: (s.x + (t.x - s.x) / 3) * zoom + pan.x, y: (s.y + (t.y - s.y) / 3) * zoom + pan.y,
                        width: cy.width(), height: cy.height()};""", client, server));
    }

    /** Clicks the map's node of {@code service}. */
    public void clickMapNode(String service) {
        clickMap(script("""
                const cy = window.tapwire.map, p = cy.getElementById(arguments[0]).renderedPosition();
                return {x: p.x, y: p.y, width: cy.width(), height: cy.height()};""", service));
    }

    /** A point the UI's script computed on the map's canvas, relative to its top left; the click is relative to its centre. */
    @SuppressWarnings("unchecked")
    private void clickMap(Object point) {
        Map<String, Number> at = (Map<String, Number>) point;
        WebElement graph = driver.findElement(By.id("map-graph"));
        new Actions(driver).moveToElement(graph,
                        (int) Math.round(at.get("x").doubleValue() - at.get("width").doubleValue() / 2),
                        (int) Math.round(at.get("y").doubleValue() - at.get("height").doubleValue() / 2))
                .click().perform();
    }

    /** The text of a figure ({@code dd[data-figure=name]}) in a panel of figures. */
    public static String figure(WebElement container, String name) {
        return container.findElement(By.cssSelector("dd[data-figure=" + name + "]")).getText();
    }

    /** Milliseconds from the start of navigation until the page was ready (the UI's performance mark). */
    double pageReadyMs() {
        Object ms = script("const m = performance.getEntriesByName('tapwire-page-ready'); "
                + "return m.length ? m[m.length - 1].startTime : null;");
        if (ms == null) {
            throw new AssertionError("the page set no tapwire-page-ready mark; the banner says: " + banner());
        }
        return ((Number) ms).doubleValue();
    }

    /** Waits until the page named so has finished rendering (main[data-state] leaves "loading"); returns the state. */
    public String awaitPage(String page) {
        until(() -> {
            WebElement main = driver.findElement(By.id("page"));
            return page.equals(main.getDomAttribute("data-page")) && !"loading".equals(main.getDomAttribute("data-state"));
        }, () -> "the " + page + " page did not finish loading; <main> is "
                + driver.findElement(By.id("page")).getDomAttribute("data-state") + ", the banner says: " + banner());
        return driver.findElement(By.id("page")).getDomAttribute("data-state");
    }

    /** Polls the condition until it holds; fails with the message after {@link #WAIT}. */
    public void until(BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get() + " (waited " + WAIT.toSeconds() + " s)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + message.get(), e);
            }
        }
    }

    /** The error banner's text, empty when it is hidden. */
    String banner() {
        WebElement banner = driver.findElement(By.id("error"));
        return banner.isDisplayed() ? banner.getText() : "";
    }

    /** Console messages of level SEVERE (errors, uncaught exceptions, failed loads) since the last call. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Saves a screenshot of the window under target/ui-screenshots/, returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
