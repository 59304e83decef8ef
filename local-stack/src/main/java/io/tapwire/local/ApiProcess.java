package io.tapwire.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The query API, a Quarkus application, as a child process of the stack: Quarkus runs from its own build layout
 * ({@code quarkus-app/quarkus-run.jar} and its lib folder), which cannot share this JVM's class path. It gets the
 * broker and registry addresses, its state folder under the data folder and every {@code tapwire.api.*} setting as
 * system properties, writes its log to {@code api.log} in the data folder, and counts as started once its readiness
 * endpoint answers UP.
 */
final class ApiProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_LINES_IN_ERRORS = 15;

    private final Process process;
    private final Path log;
    private final int port;

    private ApiProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the API and waits until it reports ready; any failure is one message for the user. */
    static ApiProcess start(ApiSettings settings, Properties components, Path dataDir) {
        if (!Files.isRegularFile(settings.jar())) {
            throw new ComponentStartException("the API is not built: " + settings.jar().toAbsolutePath()
                    + " is missing (bin/run-local builds it; --set tapwire.local.api=false runs the stack without it)", null);
        }
        requireFreePort(settings.port());
        Path log = dataDir.resolve("api.log");
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + settings.heap()));
        command.add("-Dquarkus.http.port=" + settings.port());
        command.add("-Dtapwire.kafka.bootstrap-servers=" + components.getProperty("tapwire.kafka.bootstrap-servers"));
        command.add("-Dtapwire.registry.url=" + components.getProperty("tapwire.registry.url"));
        command.add("-Dtapwire.api.state-dir=" + dataDir.resolve("api").toAbsolutePath());
        for (String name : components.stringPropertyNames()) {
            if (name.startsWith("tapwire.api.") && !name.equals("tapwire.api.state-dir")) {
                command.add("-D" + name + "=" + components.getProperty(name));
            }
        }
        command.addAll(List.of("-jar", settings.jar().toAbsolutePath().toString()));
        Process process;
        try {
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        } catch (IOException e) {
            throw new ComponentStartException("the API could not start: " + e.getMessage(), e);
        }
        ApiProcess api = new ApiProcess(process, log, settings.port());
        try {
            api.awaitReady(settings.startTimeout());
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
        return api;
    }

    /** The API's base address on this machine. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new ComponentStartException("the API could not start: it exited with code " + process.exitValue()
                        + "; the end of " + log + ":\n" + tail(), null);
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ComponentStartException("interrupted while the API was starting", e);
            }
            sleep(250);
        }
        throw new ComponentStartException("the API was not ready within " + timeout.toSeconds() + " s (last answer of "
                + url() + "/q/health/ready: " + last + "); the end of " + log + ":\n" + tail(), null);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, which Quarkus answers with a clean shutdown (its state written), then SIGKILL if it hangs. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void requireFreePort(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new ComponentStartException("the API could not start: port " + port + " is taken (--api-port N, or stop"
                    + " what listens there)", e);
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComponentStartException("interrupted while the API was starting", e);
        }
    }

    /**
     * @param jar          Quarkus' {@code quarkus-run.jar} of the query-api build
     * @param port         HTTP port of the API and UI
     * @param heap         maximum heap of the API's JVM ({@code -Xmx} value)
     * @param startTimeout how long it may take to report ready
     */
    record ApiSettings(Path jar, int port, String heap, Duration startTimeout) {
        /** Where {@code bin/run-local} builds it, relative to the repository (the launcher's working directory). */
        static final String DEFAULT_JAR = "query-api/target/quarkus-app/quarkus-run.jar";
        static final String DEFAULT_HEAP = "384m";
        static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

        ApiSettings {
            if (!heap.matches("\\d+[kmgKMG]?")) {
                throw new IllegalArgumentException("tapwire.local.api-heap must be a JVM heap size such as 384m, got '"
                        + heap + "'");
            }
        }
    }
}
