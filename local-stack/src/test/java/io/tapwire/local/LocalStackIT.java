package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.tapwire.kafka.broker.FreePorts;
import io.tapwire.schemas.registry.CompatibilityLevel;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackIT {

    /** Built by query-api's package phase, before this module's tests (the reactor runs this module after it). */
    static final String API_JAR = "../query-api/target/quarkus-app/quarkus-run.jar";

    @Test
    void startsTheBrokerWithEveryTopicAndRestartsOnItsDataWithoutRecreatingThem(@TempDir Path data) throws Exception {
        int kafkaPort = FreePorts.pick();
        int controllerPort = FreePorts.pick(kafkaPort);
        int registryPort = FreePorts.pick(kafkaPort, controllerPort);
        int metricsPort = FreePorts.pick(kafkaPort, controllerPort, registryPort);
        int apiPort = FreePorts.pick(kafkaPort, controllerPort, registryPort, metricsPort);
        String[] args = {"--data-dir", data.toString(), "--kafka-port", String.valueOf(kafkaPort),
                "--controller-port", String.valueOf(controllerPort), "--registry-port", String.valueOf(registryPort),
                "--api-port", String.valueOf(apiPort), "--set", "tapwire.local.api-jar=" + API_JAR,
                "--set", "tapwire.collector.metrics-port=" + metricsPort};

        Run first = Run.start(args);
        assertThat(first.awaitOutput("Press Ctrl-C")).contains("topology: running")
                .contains("metrics at http://127.0.0.1:" + metricsPort + "/metrics")
                .contains("UI at http://127.0.0.1:" + apiPort + "/");
        assertThat(httpStatus("http://127.0.0.1:" + apiPort + "/q/health/ready")).as("the API says it is ready")
                .isEqualTo(200);
        assertThat(first.output()).contains("Kafka at 127.0.0.1:" + kafkaPort)
                .contains(TapwireTopic.values().length + " topics (" + TapwireTopic.values().length + " created)")
                .contains("schema registry at http://127.0.0.1:" + registryPort);
        RegistryClient registry = new RegistryClient(RegistryClientConfig.of("http://127.0.0.1:" + registryPort));
        for (TapwireTopic topic : TapwireTopic.values()) {
            assertThat(registry.subjectCompatibility(topic.valueSubject())).as(topic.valueSubject())
                    .isEqualTo(topic.kind() == TapwireTopic.Kind.RAW ? CompatibilityLevel.BACKWARD_TRANSITIVE
                            : CompatibilityLevel.FULL_TRANSITIVE);
        }
        int id = registry.register(TapwireTopic.RAW_L7.valueSubject(), TapwireTopic.RAW_L7.valueSchema());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
            Set<String> names = admin.listTopics().names().get();
            for (TapwireTopic topic : TapwireTopic.values()) {
                assertThat(names).contains(topic.topicName());
            }
            assertThat(admin.describeTopics(Set.of("tapwire.raw.l7.v1")).allTopicNames().get()
                    .get("tapwire.raw.l7.v1").partitions()).hasSize(1);
        }
        assertThat(first.stop()).isZero();
        assertThat(first.output()).contains("Tapwire local stack stopped.");

        assertThat(httpStatus("http://127.0.0.1:" + apiPort + "/q/health/ready")).as("nothing answers once stopped")
                .isEqualTo(-1);

        Run second = Run.start(args);
        assertThat(second.awaitOutput("Press Ctrl-C")).contains("(0 created)").contains("topology: running")
                .contains("UI at http://127.0.0.1:" + apiPort + "/");
        assertThat(new RegistryClient(RegistryClientConfig.of("http://127.0.0.1:" + registryPort))
                .schemaById(id)).as("schemas survive a restart").isEqualTo(TapwireTopic.RAW_L7.valueSchema());
        assertThat(second.stop()).isZero();
    }

    @Test
    void aDataFolderWrittenWithThreePartitionsStartsOnThemWhenNoCountIsSet(@TempDir Path data) throws Exception {
        int kafkaPort = FreePorts.pick();
        int controllerPort = FreePorts.pick(kafkaPort);
        int registryPort = FreePorts.pick(kafkaPort, controllerPort);
        List<String> args = List.of("--data-dir", data.toString(), "--kafka-port", String.valueOf(kafkaPort),
                "--controller-port", String.valueOf(controllerPort), "--registry-port", String.valueOf(registryPort),
                "--set", "tapwire.local.api=false", "--set", "tapwire.local.collector=false");
        List<String> before = new java.util.ArrayList<>(args);
        before.addAll(List.of("--set", "tapwire.topics.partitions=3"));   // the local default before it became 1

        Run old = Run.start(before.toArray(String[]::new));
        assertThat(old.awaitOutput("Press Ctrl-C")).contains("topology: running");
        assertThat(old.stop()).isZero();

        Run upgraded = Run.start(args.toArray(String[]::new));
        assertThat(upgraded.awaitOutput("Press Ctrl-C")).contains("(0 created)").contains("topology: running");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort))) {
            assertThat(admin.describeTopics(Set.of("tapwire.raw.l7.v1")).allTopicNames().get()
                    .get("tapwire.raw.l7.v1").partitions()).hasSize(3);
        }
        assertThat(upgraded.stop()).isZero();
    }

    @Test
    void aTakenPortEndsWithOneClearMessage(@TempDir Path data) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = Run.start("--data-dir", data.toString(), "--kafka-port", String.valueOf(taken.getLocalPort()),
                    "--controller-port", String.valueOf(FreePorts.pick(taken.getLocalPort())));
            assertThat(run.exitCode.get(120, TimeUnit.SECONDS)).isEqualTo(LocalStackMain.EXIT_START_FAILED);
            assertThat(run.errors()).startsWith("tapwire: ").contains(String.valueOf(taken.getLocalPort()))
                    .contains("in use").doesNotContain("\tat ");
        }
    }

    @Test
    void aTakenRegistryPortEndsWithOneClearMessage(@TempDir Path data) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int kafkaPort = FreePorts.pick(taken.getLocalPort());
            Run run = Run.start("--data-dir", data.toString(), "--kafka-port", String.valueOf(kafkaPort),
                    "--controller-port", String.valueOf(FreePorts.pick(kafkaPort, taken.getLocalPort())),
                    "--registry-port", String.valueOf(taken.getLocalPort()));
            assertThat(run.exitCode.get(120, TimeUnit.SECONDS)).isEqualTo(LocalStackMain.EXIT_START_FAILED);
            assertThat(run.errors()).startsWith("tapwire: ").contains(String.valueOf(taken.getLocalPort()))
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aTakenApiPortEndsWithOneClearMessageAndStopsWhatHadStarted(@TempDir Path data) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int kafkaPort = FreePorts.pick(taken.getLocalPort());
            int controllerPort = FreePorts.pick(kafkaPort, taken.getLocalPort());
            Run run = Run.start("--data-dir", data.toString(), "--kafka-port", String.valueOf(kafkaPort),
                    "--controller-port", String.valueOf(controllerPort),
                    "--registry-port", String.valueOf(FreePorts.pick(kafkaPort, controllerPort, taken.getLocalPort())),
                    "--api-port", String.valueOf(taken.getLocalPort()), "--set", "tapwire.local.api-jar=" + API_JAR,
                    "--set", "tapwire.local.collector=false");
            assertThat(run.exitCode.get(180, TimeUnit.SECONDS)).isEqualTo(LocalStackMain.EXIT_START_FAILED);
            assertThat(run.errors()).startsWith("tapwire: the API could not start: port " + taken.getLocalPort()
                    + " is taken").doesNotContain("\tat ");
            try (ServerSocket reused = new ServerSocket(kafkaPort, 1, InetAddress.getLoopbackAddress())) {
                assertThat(reused.getLocalPort()).as("the broker was stopped").isEqualTo(kafkaPort);
            }
        }
    }

    @Test
    void aMissingApiBuildIsNamedWithWhatToDo(@TempDir Path data) throws Exception {
        int kafkaPort = FreePorts.pick();
        int controllerPort = FreePorts.pick(kafkaPort);
        Run run = Run.start("--data-dir", data.toString(), "--kafka-port", String.valueOf(kafkaPort),
                "--controller-port", String.valueOf(controllerPort),
                "--registry-port", String.valueOf(FreePorts.pick(kafkaPort, controllerPort)),
                "--set", "tapwire.local.api-jar=" + data.resolve("no-such.jar"), "--set", "tapwire.local.collector=false");
        assertThat(run.exitCode.get(180, TimeUnit.SECONDS)).isEqualTo(LocalStackMain.EXIT_START_FAILED);
        assertThat(run.errors()).startsWith("tapwire: the API is not built: ").contains("no-such.jar")
                .contains("bin/run-local builds it");
    }

    @Test
    void dataFromAnIncompatibleVersionIsRefusedBeforeAnythingStarts(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve(DataFormat.MARKER), (DataFormat.CURRENT + 1) + "\n");
        Run run = Run.start("--data-dir", data.toString(), "--kafka-port", String.valueOf(FreePorts.pick()));
        assertThat(run.exitCode.get(30, TimeUnit.SECONDS)).isEqualTo(LocalStackMain.EXIT_START_FAILED);
        assertThat(run.errors()).startsWith("tapwire: the data in ").contains("data format " + (DataFormat.CURRENT + 1))
                .contains("--data-dir").doesNotContain("\tat ");
        try (var entries = Files.list(data)) {
            assertThat(entries).as("nothing was written beside the marker").hasSize(1);
        }
    }

    @Test
    void badOptionsAreRejectedBeforeAnythingStarts() throws Exception {
        Run badPort = Run.start("--kafka-port", "ninety");
        assertThat(badPort.exitCode.get(10, TimeUnit.SECONDS)).isEqualTo(LocalStackMain.EXIT_USAGE);
        assertThat(badPort.errors()).contains("tapwire.local.kafka-port").contains("'ninety'");

        Run badTopic = Run.start("--set", "tapwire.topics.tapwire.raw.l7.v1.partitions=5");
        assertThat(badTopic.exitCode.get(10, TimeUnit.SECONDS)).isEqualTo(LocalStackMain.EXIT_USAGE);
        assertThat(badTopic.errors()).contains("same partition count");
    }

    /** The HTTP status of a GET, or -1 when nothing answers. */
    private static int httpStatus(String url) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** One run of the launcher in a thread, with its output captured and Ctrl-C simulated. */
    private record Run(ByteArrayOutputStream out, ByteArrayOutputStream err, CountDownLatch stopSignal,
                       CompletableFuture<Integer> exitCode) {

        static Run start(String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CountDownLatch stop = new CountDownLatch(1);
            CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> LocalStackMain.run(args,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), stop));
            return new Run(out, err, stop, code);
        }

        String output() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String errors() {
            return err.toString(StandardCharsets.UTF_8);
        }

        String awaitOutput(String text) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 120_000;
            while (!output().contains(text)) {
                assertThat(exitCode).as("launcher ended early: " + errors()).isNotDone();
                assertThat(System.currentTimeMillis()).as("waiting for '" + text + "'").isLessThan(deadline);
                Thread.sleep(100);
            }
            return output();
        }

        int stop() throws Exception {
            stopSignal.countDown();
            return exitCode.get(60, TimeUnit.SECONDS);
        }
    }
}
