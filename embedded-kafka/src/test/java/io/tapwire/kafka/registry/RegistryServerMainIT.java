package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.broker.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry as its own process: one ready line, real HTTP, a clean stop on SIGTERM. */
class RegistryServerMainIT {

    private static final Pattern READY =
            Pattern.compile("Schema registry ready at (http://127\\.0\\.0\\.1:\\d+) \\((leader|follower)\\)");

    @Test
    void runsOnItsOwnPrintsOneReadyLineAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            int port = FreePorts.pick();
            Path log = dir.resolve("registry.log");
            Process process = new ProcessBuilder(List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    RegistryServerMain.class.getName(),
                    "--bootstrap-servers", broker.bootstrapServers(),
                    "--port", String.valueOf(port),
                    "--topic", "_schemas_main"))
                    .redirectError(log.toFile())
                    .start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                String line = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (Exception e) {
                        return "failed: " + e;
                    }
                }).get(90, TimeUnit.SECONDS);
                Matcher ready = READY.matcher(line == null ? "" : line);
                assertThat(ready.matches()).as("ready line '%s'; log:%n%s", line, Files.readString(log)).isTrue();
                assertThat(ready.group(1)).isEqualTo("http://127.0.0.1:" + port);
                assertThat(ready.group(2)).isEqualTo("leader");

                RegistryHttp http = new RegistryHttp(ready.group(1));
                assertThat(http.register("main-value", "\"string\"")).isEqualTo(1);

                // Process.destroy() would close our end of its output; the handle only sends SIGTERM.
                assertThat(process.toHandle().destroy()).isTrue();
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
                assertThat(out.readLine()).as("nothing printed after the ready line").isNull();
                assertThat(Files.readString(log)).as("the shutdown hook left the election")
                        .contains("stepped down as leader");
            } finally {
                process.destroyForcibly();
            }

            // The stopped instance left the election: a new one leads at once and sees what was written.
            try (SchemaRegistryServer next = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                    .topic("_schemas_main").port(0).build().start()) {
                assertThat(next.isLeader()).isTrue();
                assertThat(new RegistryHttp(next.url()).get("/subjects").json().toString()).isEqualTo("[\"main-value\"]");
            }
        }
    }
}
