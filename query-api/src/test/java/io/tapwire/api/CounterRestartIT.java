package io.tapwire.api;

import static io.tapwire.api.DerivedRecords.API;
import static io.tapwire.api.DerivedRecords.NGINX;
import static io.tapwire.api.DerivedRecords.NGINX_AT;
import static io.tapwire.api.DerivedRecords.l7;
import static io.tapwire.api.DerivedRecords.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.tapwire.api.counters.CounterReadModel;
import io.tapwire.api.counters.CounterSnapshot;
import io.tapwire.api.counters.L7Entry;
import io.tapwire.api.counters.TcpEntry;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counters read model on a real broker, stopped and started again on the same state directory: counters never go
 * backwards, a final window delivered again is not counted twice, an aborted transaction's records never count, and
 * a copy of the directory taken while the model runs (what a crash leaves) holds at least what was served.
 */
class CounterRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long W0 = System.currentTimeMillis() / 10_000 * 10_000 - 600_000;

    private static DerivedTopicsCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = new DerivedTopicsCluster();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private CounterReadModel start(Path dir) {
        return CounterReadModel.start(dir, Duration.ofMillis(100), Duration.ofHours(1), cluster.bootstrapServers(),
                Duration.ofSeconds(2), new RegistryClient(RegistryClientConfig.of(cluster.registryUrl())));
    }

    @Test
    void countersSurviveRestartsAndCountEachFinalWindowOnce(@TempDir Path dir, @TempDir Path crashCopy)
            throws Exception {
        L7Metric a = l7("client", API, NGINX, NGINX_AT, "http", "200", W0, true, 0, 0.003, 0.004, 0.2);
        try (DerivedTopicsWriter writer = cluster.writer()) {
            writer.begin();
            writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "200", W0, false, 0, 0.003, 0.004));
            writer.send(0, a);
            writer.send(1, tcp(API, NGINX_AT, NGINX, W0, true).setSuccessfulConnects(2).setActiveConnections(2)
                    .setBytesSent(100).build());
            writer.commit();
            writer.begin();
            writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "500", W0, true, 1000, new double[1000]));
            writer.send(1, tcp(API, NGINX_AT, NGINX, W0 + 10_000, true).setSuccessfulConnects(1000)
                    .setActiveConnections(99).build());
            writer.abort();
            writer.begin();
            // every partition of both topics gets a record, so the restart resumes every one of them
            for (int partition = 0; partition < TapwireKafkaCluster.PARTITIONS; partition++) {
                writer.send(partition, marker("first-" + partition));
                writer.send(partition, tcp("first-" + partition, NGINX_AT, NGINX, W0, true).setSuccessfulConnects(1)
                        .build());
            }
            writer.commit();
        }

        CounterSnapshot beforeRestart;
        try (CounterReadModel model = start(dir)) {
            beforeRestart = waitFor(model, s -> s.l7().stream().filter(e -> e.clientService().startsWith("first-"))
                    .count() == 3 && s.tcp().stream().filter(e -> e.clientService().startsWith("first-")).count() == 3);
            assertThat(http(beforeRestart, "200").requests()).isEqualTo(3);
            assertThat(http(beforeRestart, "200").bucketCounts()[0]).isEqualTo(2);
            assertThat(beforeRestart.l7()).noneMatch(e -> e.status().equals("500"));
            assertThat(tcpOf(beforeRestart, API).successfulConnects()).isEqualTo(2);
            assertThat(tcpOf(beforeRestart, API).activeConnections()).isEqualTo(2);

            assertThatThrownBy(() -> start(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another query API instance");
        }

        try (DerivedTopicsWriter writer = cluster.writer()) {
            writer.begin();
            writer.send(0, a); // delivered again
            writer.send(0, marker("second"));
            writer.commit();
        }

        try (CounterReadModel model = start(dir)) {
            assertAtLeast(model.snapshot(), beforeRestart);
            CounterSnapshot afterRestart = waitFor(model, s -> hasL7(s, "second"));
            assertAtLeast(afterRestart, beforeRestart);
            assertThat(http(afterRestart, "200").requests()).isEqualTo(3);
            assertThat(afterRestart.skipped()).as("nothing read twice but the final delivered twice")
                    .isEqualTo(Map.of("tapwire.l7.metrics.v1", Map.of("duplicate", 1L)));

            // What a crash at this moment leaves behind: the directory as the model last wrote it.
            copy(dir, crashCopy);
            CounterSnapshot served = model.snapshot();
            try (CounterReadModel afterCrash = start(crashCopy)) {
                assertAtLeast(afterCrash.snapshot(), served);
                try (DerivedTopicsWriter writer = cluster.writer()) {
                    writer.begin();
                    writer.send(0, marker("third"));
                    writer.commit();
                }
                CounterSnapshot resumed = waitFor(afterCrash, s -> hasL7(s, "third"));
                assertAtLeast(resumed, served);
                assertThat(http(resumed, "200").requests()).as("read on from the offsets written").isEqualTo(3);
                assertThat(tcpOf(resumed, API).successfulConnects()).isEqualTo(2);
            }
        }
    }

    /** A final window of its own series: once it shows, everything written before it on partition 0 was read. */
    private static L7Metric marker(String client) {
        return l7("client", client, NGINX, NGINX_AT, "http", "200", W0, true, 0, 0.001);
    }

    private static boolean hasL7(CounterSnapshot s, String client) {
        return s.l7().stream().anyMatch(e -> e.clientService().equals(client));
    }

    private static L7Entry http(CounterSnapshot s, String status) {
        return s.l7().stream().filter(e -> e.clientService().equals(API) && e.status().equals(status)).findFirst()
                .orElseThrow();
    }

    private static TcpEntry tcpOf(CounterSnapshot s, String client) {
        return s.tcp().stream().filter(e -> e.clientService().equals(client)).findFirst().orElseThrow();
    }

    /** Every counter of {@code before} is in {@code after} with a value at least as high. */
    private static void assertAtLeast(CounterSnapshot after, CounterSnapshot before) {
        for (L7Entry b : before.l7()) {
            L7Entry a = after.l7().stream().filter(e -> e.side().equals(b.side())
                    && e.clientService().equals(b.clientService()) && e.serverService().equals(b.serverService())
                    && e.destination().equals(b.destination()) && e.protocol().equals(b.protocol())
                    && e.status().equals(b.status())).findFirst().orElseThrow(() -> new AssertionError("lost " + b));
            assertThat(a.requests()).isGreaterThanOrEqualTo(b.requests());
            assertThat(a.latencySumNanos()).isGreaterThanOrEqualTo(b.latencySumNanos());
            for (int i = 0; i < b.bucketCounts().length; i++) {
                assertThat(a.bucketCounts()[i]).isGreaterThanOrEqualTo(b.bucketCounts()[i]);
            }
        }
        for (TcpEntry b : before.tcp()) {
            TcpEntry a = after.tcp().stream().filter(e -> e.clientService().equals(b.clientService())
                    && e.destination().equals(b.destination()) && e.serverService().equals(b.serverService()))
                    .findFirst().orElseThrow(() -> new AssertionError("lost " + b));
            assertThat(a.successfulConnects()).isGreaterThanOrEqualTo(b.successfulConnects());
            assertThat(a.bytesSent()).isGreaterThanOrEqualTo(b.bytesSent());
        }
    }

    private static CounterSnapshot waitFor(CounterReadModel model, Predicate<CounterSnapshot> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            CounterSnapshot snapshot = model.snapshot();
            if (condition.test(snapshot)) {
                return snapshot;
            }
            assertThat(System.nanoTime()).as("counters still %s after %s", snapshot, WAIT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
