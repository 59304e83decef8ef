package io.tapwire.api.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tapwire.api.KafkaSettings;
import io.tapwire.api.ReadModelSettings;
import io.tapwire.api.ReadModels;
import io.tapwire.api.counters.CounterFiles;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.services.ServiceGraphQuery;
import io.tapwire.api.services.ServiceMapView;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The query API's benchmark (issue "Query API"): with {@value #SERVICES} services and {@value #EDGES} edges loaded,
 * {@code GET /api/v1/service-map} for the last 15 minutes, p99 ≤ 50 ms, and {@code GET /metrics} complete in ≤ 1 s.
 *
 * <p>Not a test of the build (its name matches no test pattern): run by {@code bin/run-benchmark-api}. The read
 * models are loaded directly, not through Kafka (the API is pointed at no broker): the window store with 90 windows of
 * 10 s per series ending now, the edges and the processes; the counters behind {@code /metrics} from a counters file
 * written before the start, one final window per series. Requests go over HTTP from one client, one after another,
 * after a warm-up; the figures are printed.
 */
@QuarkusTest
@QuarkusTestResource(value = QueryApiBenchmark.State.class, restrictToAnnotatedClass = true)
class QueryApiBenchmark {

    static final int SERVICES = Integer.getInteger("bench.services", 1000);
    static final int EDGES = Integer.getInteger("bench.edges", 10_000);
    static final int WINDOWS = 90;
    static final int MAP_REQUESTS = Integer.getInteger("bench.requests", 500);
    static final int METRICS_REQUESTS = Integer.getInteger("bench.metrics-requests", 20);

    /** Writes the counters file into a fresh state directory and keeps the API away from any broker. */
    public static class State implements QuarkusTestResourceLifecycleManager {
        private Path stateDir;

        @Override
        public Map<String, String> start() {
            try {
                stateDir = Files.createTempDirectory("tapwire-api-bench-");
                SyntheticCluster cluster = new SyntheticCluster(SERVICES, EDGES);
                CounterFiles counters = new CounterFiles();
                long windowStart = System.currentTimeMillis() / 10_000 * 10_000 - 60_000;
                cluster.finalL7Windows(windowStart).forEach(counters::add);
                cluster.finalTcpWindows(windowStart).forEach(counters::add);
                counters.writeTo(stateDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, "127.0.0.1:1", "tapwire.kafka.request-timeout", "1s",
                    ReadModelSettings.STATE_DIR, stateDir.toString());
        }

        @Override
        public void stop() {
            try (var files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    ReadModels readModels;

    @Inject
    ServiceGraphQuery query;

    @TestHTTPResource("/")
    URL base;

    @Test
    void serviceMapAndMetrics() throws Exception {
        SyntheticCluster cluster = new SyntheticCluster(SERVICES, EDGES);
        long loadStart = System.nanoTime();
        cluster.load(readModels.l7Windows(), readModels.tcpWindows(), readModels.edges(), readModels.directory(),
                System.currentTimeMillis(), WINDOWS);
        System.out.printf("%nloaded %d services, %d edges: %d L7 series (%d counting side), %d TCP series, %d L7 and "
                        + "%d TCP windows in %.1f s; heap used %d MiB%n",
                SERVICES, cluster.edges.size(), readModels.l7Windows().series().seriesCount(),
                cluster.l7Series.stream().filter(s -> s.countingSide()).count(), readModels.tcpWindows().seriesCount(),
                readModels.l7Windows().series().windowCount(), readModels.tcpWindows().windowCount(),
                (System.nanoTime() - loadStart) / 1e9, usedHeapMiB());
        System.out.printf("counters behind /metrics: %d L7 series, %d TCP series%n",
                readModels.counters().l7().size(), readModels.counters().tcp().size());

        HttpClient http = HttpClient.newHttpClient();
        URI map = base.toURI().resolve("/api/v1/service-map");
        URI metrics = base.toURI().resolve("/metrics");

        String body = get(http, map);
        assertThat(body).contains("\"edges\"");
        ServiceMapView direct = query.serviceMap(TimeRange.parse(null, null, Instant.now()));
        assertThat(direct.edges()).hasSize(cluster.edges.size());
        System.out.printf("service-map answer: %d nodes, %d edges, %d bytes%n", direct.nodes().size(),
                direct.edges().size(), body.length());

        time("in-process ServiceGraphQuery.serviceMap (no HTTP, no JSON)", MAP_REQUESTS / 5, MAP_REQUESTS,
                () -> query.serviceMap(TimeRange.parse(null, null, Instant.now())).edges().size());
        time("GET /api/v1/service-map (last 15 minutes)", MAP_REQUESTS / 5, MAP_REQUESTS, () -> bytes(http, map));
        String exposition = get(http, metrics);
        System.out.printf("/metrics answer: %d lines, %d bytes%n", exposition.lines().count(), exposition.length());
        time("GET /metrics (complete body)", METRICS_REQUESTS / 4, METRICS_REQUESTS, () -> bytes(http, metrics));
    }

    private interface Request {
        int run() throws Exception;
    }

    /**
     * Times {@code count} runs after {@code warmUp}: wall time, and the CPU time of the calling thread (for the
     * in-process query it is the query's own; over HTTP it is only the client's side).
     */
    private static void time(String what, int warmUp, int count, Request request) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            request.run();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] nanos = new long[count];
        long[] cpu = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            long startCpu = threads.getCurrentThreadCpuTime();
            request.run();
            cpu[i] = threads.getCurrentThreadCpuTime() - startCpu;
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        Arrays.sort(cpu);
        System.out.printf("%s: %d requests after %d warm-up: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms "
                        + "(calling thread's CPU time p50 %.1f ms, p99 %.1f ms); load average %.1f%n",
                what, count, warmUp, ms(nanos, 0.50), ms(nanos, 0.90), ms(nanos, 0.99), nanos[count - 1] / 1e6,
                ms(cpu, 0.50), ms(cpu, 0.99),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The whole body read, as bytes: decoding it to text would add the client's own work to each figure. */
    private static int bytes(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new AssertionError(uri + " answered " + response.statusCode());
        }
        return response.body().length;
    }

    private static long usedHeapMiB() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    }
}
