package io.tapwire.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapwire.collector.app.Collector;
import io.tapwire.kafka.broker.FreePorts;
import io.tapwire.local.LocalStack;
import io.tapwire.local.LocalStackConfig;

/**
 * The whole local stack — broker, registry, topology, API and collector — under HTTP load, as a user runs it
 * ({@code bin/run-local}, default settings). nginx and hey run on core 0, the stack (this JVM and the API's, which
 * inherits its affinity) on core 1; see bin/run-benchmark-stack. Three measurements:
 *
 * <ol>
 *   <li>Idle: the CPU of each component with no load, as a share of a core — the part of the cost that does not depend
 *       on the load (heartbeats, polls, commits, the API's reads).</li>
 *   <li>Efficiency: hey at a steady open-loop rate against nginx (keep-alive); after a warm-up, the CPU seconds of each
 *       component over the measured interval per 1,000 requests nginx served in it.</li>
 *   <li>Freshness: hey at 100 requests/s; the API's spans and {@code /metrics} are polled, and each request's delay
 *       from its first byte in the kernel (the span's start time) to the first poll that shows it is recorded: p50 and
 *       p99 (a poll interval of resolution).</li>
 *   <li>Highest sustained rate: increasing rates, each for a while; a rate is sustained when the collector dropped
 *       nothing (kernel ring buffer, user space) and the API's counters caught up with every request.</li>
 * </ol>
 * Usage (root): WholeStackBenchmark [EFFICIENCY_RATE] [RATES_TO_TRY, comma-separated]; {@code -Dtapwire.*} settings go
 * to the stack.
 */
public final class WholeStackBenchmark {

    private static final String LOAD_CPUS = "0";
    private static final String NGINX = "/host/nginx";
    private static final String INBOUND = "container_http_inbound_requests_total";
    private static final int WARM_UP_SECONDS = 60;
    private static final int MEASURE_SECONDS = 40;
    private static final int IDLE_SETTLE_SECONDS = 15;
    private static final int IDLE_SECONDS = 30;
    private static final int FRESHNESS_SECONDS = 30;
    private static final int STEP_SECONDS = 15;
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    /** A rate is sustained when the API has counted every request this soon after the load ended: no backlog built. */
    private static final Duration SUSTAINED_LAG = Duration.ofSeconds(10);
    private static final Pattern SAMPLE = Pattern.compile("([a-z_]+)\\{(.*)} (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LocalStack stack;
    private final HttpLoad load;
    private final BenchmarkNginx nginx;
    private final String api;

    private WholeStackBenchmark(LocalStack stack, HttpLoad load, BenchmarkNginx nginx) {
        this.stack = stack;
        this.load = load;
        this.nginx = nginx;
        this.api = stack.apiUrl().orElseThrow();
    }

    public static void main(String[] args) throws Exception {
        int efficiencyRate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        List<Integer> rates = new ArrayList<>();
        for (String rate : (args.length > 1 ? args[1] : "1000,2000,3000,4000,6000,8000").split(",")) {
            rates.add(Integer.parseInt(rate.trim()));
        }
        Path dir = Files.createTempDirectory("tapwire-bench-stack");
        // Forked before the collector starts: what it launches is not this JVM's descendant, so exclude-self keeps it.
        try (TracedProcessLauncher launcher = TracedProcessLauncher.start(dir);
             BenchmarkNginx nginx = BenchmarkNginx.start(launcher, Files.createDirectories(dir.resolve("nginx")), LOAD_CPUS)) {
            long started = System.nanoTime();
            int kafka = FreePorts.pick();
            int controller = FreePorts.pick(kafka);
            int registry = FreePorts.pick(kafka, controller);
            int apiPort = FreePorts.pick(kafka, controller, registry);
            int metrics = FreePorts.pick(kafka, controller, registry, apiPort);
            List<String> options = new ArrayList<>(List.of("--data-dir", dir.resolve("data").toString(),
                    "--kafka-port", String.valueOf(kafka), "--controller-port", String.valueOf(controller),
                    "--registry-port", String.valueOf(registry), "--api-port", String.valueOf(apiPort),
                    "--set", "tapwire.collector.metrics-port=" + metrics));
            // -Dtapwire.NAME=VALUE: any setting of the stack, as bin/run-local --set takes it
            System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("tapwire."))
                    .sorted().forEach(name -> options.addAll(List.of("--set", name + "=" + System.getProperty(name))));
            System.out.println("stack options: " + String.join(" ", options));
            LocalStackConfig config = LocalStackConfig.parse(options.toArray(String[]::new));
            try (LocalStack stack = new LocalStack(config).start()) {
                System.out.printf("stack ready in %.1f s (broker, registry, topology, API, collector)%n",
                        (System.nanoTime() - started) / 1e9);
                WholeStackBenchmark benchmark = new WholeStackBenchmark(stack, new HttpLoad(launcher, LOAD_CPUS), nginx);
                StackCpu idle = benchmark.idle();
                benchmark.efficiency(efficiencyRate, idle);
                benchmark.freshness();
                benchmark.highestSustainedRate(rates);
                System.out.printf("resident memory at the end: stack JVM %d MiB, API %d MiB%n",
                        residentMiB(ProcessHandle.current().pid()), residentMiB(stack.apiPid().orElseThrow()));
            }
        }
    }

    /** The CPU of each component per second with no load, after the stack has settled. */
    private StackCpu idle() throws Exception {
        Thread.sleep(IDLE_SETTLE_SECONDS * 1000L);
        StackCpu before = StackCpu.now(stack.apiPid().orElseThrow());
        long startedNs = System.nanoTime();
        Thread.sleep(IDLE_SECONDS * 1000L);
        StackCpu used = StackCpu.now(stack.apiPid().orElseThrow()).minus(before);
        double seconds = (System.nanoTime() - startedNs) / 1e9;
        System.out.printf("%nIdle: no load, %d s measured %d s after the stack was ready%n", IDLE_SECONDS,
                IDLE_SETTLE_SECONDS);
        System.out.println("| component | CPU s | share of a core |");
        System.out.println("|---|---|---|");
        used.seconds().forEach((component, cpu) -> System.out.printf("| %s | %.2f | %.1f%% |%n", component, cpu,
                100 * cpu / seconds));
        System.out.printf("| **total** | %.2f | %.1f%% |%n", used.total(), 100 * used.total() / seconds);
        return used.scaled(1 / seconds);
    }

    /**
     * @param idlePerSecond each component's CPU per second with no load: what the load added beyond it is the marginal
     *                      cost, printed beside the whole
     */
    private void efficiency(int rate, StackCpu idlePerSecond) throws Exception {
        int workers = Math.max(1, rate / 100);
        // Before the load: the run's requests, warm-up included, are what the API must have counted at the end.
        double counterBefore = inboundRequests();
        CompletableFuture<HttpLoad.Result> run = CompletableFuture.supplyAsync(() -> hey(rate, WARM_UP_SECONDS + MEASURE_SECONDS));
        Thread.sleep(WARM_UP_SECONDS * 1000L);
        StackCpu before = StackCpu.now(stack.apiPid().orElseThrow());
        long[] jvmBefore = gcAndJitMillis();
        long startedNs = System.nanoTime();
        Thread.sleep(MEASURE_SECONDS * 1000L);
        StackCpu used = StackCpu.now(stack.apiPid().orElseThrow()).minus(before);
        long[] jvmAfter = gcAndJitMillis();
        double seconds = (System.nanoTime() - startedNs) / 1e9;
        HttpLoad.Result result = run.join();
        double requests = result.perSecond() * seconds;
        System.out.printf("%nEfficiency: hey %d workers at %d requests/s (achieved %.0f/s, %d errors), %d s measured"
                + " after %d s of warm-up: %.0f requests%n", workers, rate, result.perSecond(), result.errors(),
                MEASURE_SECONDS, WARM_UP_SECONDS, requests);
        StackCpu marginal = used.minus(idlePerSecond.scaled(seconds));
        System.out.println("| component | CPU s | ms per 1,000 requests | share of a core | beyond idle, ms per 1,000 requests |");
        System.out.println("|---|---|---|---|---|");
        used.seconds().forEach((component, cpu) -> System.out.printf("| %s | %.2f | %.1f | %.1f%% | %.1f |%n", component,
                cpu, cpu * 1000 / requests * 1000, 100 * cpu / seconds,
                marginal.seconds().get(component) * 1000 / requests * 1000));
        System.out.printf("| **total** | %.2f | **%.1f** | %.1f%% | **%.1f** |%n", used.total(),
                used.total() * 1000 / requests * 1000, 100 * used.total() / seconds,
                marginal.total() * 1000 / requests * 1000);
        System.out.printf("(the stack JVM meanwhile: %.2f s in garbage collections, %.2f s compiling, as its MXBeans"
                + " report them)%n", (jvmAfter[0] - jvmBefore[0]) / 1000.0, (jvmAfter[1] - jvmBefore[1]) / 1000.0);
        awaitCounter(counterBefore + result.requests(), "the efficiency run's requests");
    }

    private void freshness() throws Exception {
        Instant from = Instant.now();
        double counterBefore = inboundRequests();
        CompletableFuture<HttpLoad.Result> run = CompletableFuture.supplyAsync(() -> hey(100, FRESHNESS_SECONDS));
        Map<String, Long> spanSeenMs = new HashMap<>();
        Map<String, Long> spanStartMs = new HashMap<>();
        List<long[]> counterPolls = new ArrayList<>();
        long lastCounterPoll = 0;
        long end = System.currentTimeMillis() + (FRESHNESS_SECONDS + 20) * 1000L;
        while (System.currentTimeMillis() < end) {
            JsonNode items = json("/api/v1/spans?service=" + URLEncoder.encode(NGINX, StandardCharsets.UTF_8)
                    + "&protocol=http&limit=1000&from=" + from).get("items");
            long now = System.currentTimeMillis();
            for (JsonNode span : items) {
                if (span.get("side").asText().equals("server")) {
                    String key = span.get("startTime").asText();
                    if (spanSeenMs.putIfAbsent(key, now) == null) {
                        spanStartMs.put(key, Instant.parse(key).toEpochMilli());
                    }
                }
            }
            if (now - lastCounterPoll >= 250) {
                lastCounterPoll = now;
                counterPolls.add(new long[] {now, Math.round(inboundRequests() - counterBefore)});
            }
            Thread.sleep(100);
        }
        HttpLoad.Result result = run.join();
        List<Long> spanDelays = new ArrayList<>();
        spanSeenMs.forEach((key, seen) -> spanDelays.add(seen - spanStartMs.get(key)));
        List<Long> starts = new ArrayList<>(spanStartMs.values());
        Collections.sort(starts);
        List<Long> metricDelays = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            for (long[] poll : counterPolls) {
                if (poll[1] >= k + 1) {
                    metricDelays.add(poll[0] - starts.get(k));
                    break;
                }
            }
        }
        System.out.printf("%nFreshness: hey at 100 requests/s for %d s (%d requests); server-side spans seen %d,"
                + " requests seen in /metrics %d%n", FRESHNESS_SECONDS, result.requests(), spanDelays.size(),
                metricDelays.size());
        System.out.printf("  kernel -> /api/v1/spans: p50 %s, p99 %s%n", percentile(spanDelays, 50), percentile(spanDelays, 99));
        System.out.printf("  kernel -> /metrics:      p50 %s, p99 %s%n", percentile(metricDelays, 50), percentile(metricDelays, 99));
    }

    private void highestSustainedRate(List<Integer> rates) throws Exception {
        Collector collector = stack.collector().orElseThrow();
        System.out.printf("%nHighest sustained rate (%d s per rate; sustained = no drops, and the API counted every request"
                + " within %d s of the load's end: no backlog built)%n", STEP_SECONDS, SUSTAINED_LAG.toSeconds());
        System.out.println("| offered/s | achieved/s | kernel drops | user-space drops | counted after the load's end | sustained |");
        System.out.println("|---|---|---|---|---|---|");
        for (int rate : rates) {
            CollectorReading before = CollectorReading.now(collector);
            double counterBefore = inboundRequests();
            HttpLoad.Result result = hey(rate, STEP_SECONDS);
            CollectorReading.awaitDrained(collector);
            CollectorReading drops = CollectorReading.now(collector).minus(before);
            long waitStarted = System.nanoTime();
            boolean caughtUp = awaitCounter(counterBefore + result.requests(), null);
            double lagSeconds = (System.nanoTime() - waitStarted) / 1e9;
            boolean sustained = caughtUp && lagSeconds <= SUSTAINED_LAG.toSeconds() && drops.kernelDrops() == 0
                    && drops.userDrops() == 0;
            System.out.printf("| %d | %.0f | %d | %d | %s | %s |%n", rate, result.perSecond(), drops.kernelDrops(),
                    drops.userDrops(), caughtUp ? String.format("%.1f s", lagSeconds) : "not within " + CATCH_UP.toSeconds()
                            + " s", sustained ? "yes" : "no");
            if (!sustained) {
                break;
            }
        }
    }

    private HttpLoad.Result hey(int rate, int seconds) {
        int workers = Math.max(1, rate / 100);
        try {
            return load.hey(nginx.url(BenchmarkNginx.STATIC_PATH), seconds, workers, rate / workers);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to {@link #CATCH_UP} until the API counts {@code expected} requests served by nginx. */
    private boolean awaitCounter(double expected, String what) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        double counted = inboundRequests();
        while (counted < expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            counted = inboundRequests();
        }
        if (counted < expected && what != null) {
            System.out.printf("WARNING: the API counted %.0f of %.0f requests for %s within %d s%n", counted, expected,
                    what, CATCH_UP.toSeconds());
        }
        return counted >= expected;
    }

    /** The API's cumulative count of requests nginx served, all statuses. */
    private double inboundRequests() throws IOException, InterruptedException {
        double sum = 0;
        for (String line : text("/metrics").split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.matches() && sample.group(1).equals(INBOUND)
                    && sample.group(2).contains("container_id=\"" + NGINX + "\"")) {
                sum += Double.parseDouble(sample.group(3));
            }
        }
        return sum;
    }

    private JsonNode json(String path) throws IOException, InterruptedException {
        return JSON.readTree(text(path));
    }

    private String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return "n/a";
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        long value = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        return String.format("%.2f s", value / 1000.0);
    }

    /** Time this JVM spent in garbage collections and in its JIT compilers so far, milliseconds. */
    private static long[] gcAndJitMillis() {
        long gc = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(ms -> ms > 0).sum();
        return new long[] {gc, ManagementFactory.getCompilationMXBean().getTotalCompilationTime()};
    }

    private static long residentMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        return -1;
    }
}
