package io.tapwire.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.tapwire.collector.app.Collector;
import io.tapwire.collector.app.CollectorSettings;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.settings.TypedProperties;

/**
 * The cost of L7 capture to the traced service, measured the way Coroot measures its agent, plus the worst case.
 * nginx and the load generators run on one core, this JVM (the collector) and the broker on the other (the caller
 * pins this JVM and the broker; see bin/run-benchmark-l7). Rounds alternate the collector off (no collector, no BPF
 * program of ours attached) and on (a fresh {@link Collector} with default settings, excluding only itself):
 *
 * <ol>
 *   <li>Fixed load: hey at 10,000 requests/s open loop on a 600-byte static file; p99 latency on/off and the
 *       collector's CPU (this JVM's utime + stime, drain included) per 1,000 requests.</li>
 *   <li>Saturation: wrk flat out (1 thread, 50 connections) on the same file; requests/s on/off.</li>
 *   <li>Kernel time (once): one more fixed-load run with kernel.bpf_stats_enabled on, for the run time of the BPF
 *       programs, which the traced processes pay and the collector's CPU does not show.</li>
 *   <li>Bytes (once, collector on): wrk with varied paths and headers at about 10,000 requests/s; the growth of
 *       tapwire.raw.l7.v1 on the broker's disk per observed request, and the records' uncompressed size per event.</li>
 * </ol>
 * Every run follows a 2 s warm-up with the same load; before the first round, a collector runs each load for 20 s
 * ({@code -Dbenchmark.jvm-warm-up-seconds}), unmeasured, so that the rounds measure a collector whose path the JIT has
 * compiled (the JIT compilers' CPU is still counted in each run, and shown apart). Usage (root): L7CaptureBenchmark BOOTSTRAP REGISTRY_URL
 * [ROUNDS] [SECONDS]. -Dtapwire.collector.* settings apply to the collector.
 */
public final class L7CaptureBenchmark {

    private static final String LOAD_CPUS = "0";
    private static final int WORKERS = 50;
    private static final int PER_WORKER_RATE = 200;
    private static final int TARGET_RATE = WORKERS * PER_WORKER_RATE;
    private static final int WARM_UP_SECONDS = 2;
    private static final int JVM_WARM_UP_SECONDS = Integer.getInteger("benchmark.jvm-warm-up-seconds", 20);
    /** Each of wrk's 50 connections waits this long between requests in the bytes run: about 10k/s with the latency. */
    private static final int VARIED_DELAY_MS = 3;
    private static final Duration OTHER_PROBES_WAIT = Duration.ofMinutes(3);

    private enum Load { FIXED, SATURATION }

    /**
     * One run's figures; the collector's fields are zero when it was off. {@code alone}: no other process had
     * Tapwire probes loaded when it started.
     */
    record Run(int round, boolean on, boolean alone, Load load, HttpLoad.Result result, CollectorReading collector,
               double seconds) {

        double cpuMsPer1000Requests() {
            return collector.cpuSeconds() * 1e6 / result.requests();
        }

        /** The same without the JIT compilers' threads: the cost of a collector that has run for a while. */
        double cpuMsPer1000RequestsWithoutJit() {
            return (collector.cpuSeconds() - collector.jitCpuSeconds()) * 1e6 / result.requests();
        }

        double bpfMsPer1000Requests() {
            return collector.bpfRunNs() / 1e3 / result.requests();
        }

        double eventsPerRequest() {
            return (double) collector.l7Events() / result.requests();
        }
    }

    private L7CaptureBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String registryUrl = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Properties props = new Properties();
        props.setProperty("tapwire.kafka.bootstrap-servers", bootstrap);
        props.setProperty("tapwire.registry.url", registryUrl);
        props.setProperty("tapwire.collector.metrics-port", "0");
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("tapwire.collector."))
                .forEach(name -> props.setProperty(name, System.getProperty(name)));
        CollectorSettings settings = CollectorSettings.from(new TypedProperties(props));

        printMachine(rounds, seconds);
        Path work = Files.createTempDirectory("tapwire-l7-bench-");
        String bpfStatsBefore = Files.readString(CollectorReading.BPF_STATS).trim();
        Runnable restoreBpfStats = () -> writeQuietly(CollectorReading.BPF_STATS, bpfStatsBefore);
        Runtime.getRuntime().addShutdownHook(new Thread(restoreBpfStats));
        System.out.printf("kernel.bpf_stats_enabled in the rounds: %s%n", bpfStatsBefore);
        try (TracedProcessLauncher launcher = TracedProcessLauncher.start(work);
             BenchmarkNginx nginx = BenchmarkNginx.start(launcher, Files.createDirectories(work.resolve("nginx")), LOAD_CPUS)) {
            HttpLoad load = new HttpLoad(launcher, LOAD_CPUS);
            String url = nginx.url(BenchmarkNginx.STATIC_PATH);
            System.out.printf("nginx 1 worker on 127.0.0.1:%d, cores %s (with the load generators); collector and broker"
                    + " on the other core%n", nginx.port(), LOAD_CPUS);
            System.out.printf("fixed load: %s%nsaturation: %s%n%n",
                    String.join(" ", load.heyCommand(url, seconds, WORKERS, PER_WORKER_RATE)),
                    String.join(" ", load.wrkCommand(url, seconds, WORKERS, null)));

            warmUpJvm(settings, load, url);
            System.out.println(HEADER);
            List<Run> runs = new ArrayList<>();
            List<Double> idleCpuPerSecond = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                for (boolean on : new boolean[] {false, true}) {
                    boolean alone = awaitNoOtherTapwireProbes();
                    try (Collector collector = on ? Collector.start(settings) : null) {
                        runs.add(measure(round, on, alone, Load.FIXED, collector,
                                s -> load.hey(url, s, WORKERS, PER_WORKER_RATE), seconds));
                        runs.add(measure(round, on, alone, Load.SATURATION, collector,
                                s -> load.wrk(url, s, WORKERS, null), seconds));
                        if (on) {
                            idleCpuPerSecond.add(idleCpu(collector, seconds));
                        }
                    }
                }
            }
            printFixed(runs, Spread.of(idleCpuPerSecond));
            printSaturation(runs);
            measureKernelCost(settings, load, url, seconds, restoreBpfStats);
            measureBytes(settings, load, nginx, work, seconds, bootstrap, registryUrl);
        } finally {
            restoreBpfStats.run();
            deleteQuietly(work);
        }
    }

    /**
     * Before the rounds, a collector runs each load for {@link #JVM_WARM_UP_SECONDS}, unmeasured but printed: the JIT
     * compiles the collector's path once, as it does in the first minute of a collector that then runs for days, and
     * the rounds measure that collector rather than its start-up.
     */
    private static void warmUpJvm(CollectorSettings settings, HttpLoad load, String url) throws Exception {
        if (JVM_WARM_UP_SECONDS <= 0) {
            return;
        }
        System.out.printf("JVM warm-up (-Dbenchmark.jvm-warm-up-seconds=%d), collector on, not counted:%n",
                JVM_WARM_UP_SECONDS);
        System.out.println(HEADER);
        try (Collector collector = Collector.start(settings)) {
            measure(0, true, true, Load.FIXED, collector, s -> load.hey(url, s, WORKERS, PER_WORKER_RATE),
                    JVM_WARM_UP_SECONDS);
            measure(0, true, true, Load.SATURATION, collector, s -> load.wrk(url, s, WORKERS, null),
                    JVM_WARM_UP_SECONDS);
        }
        System.out.println();
    }

    private interface Generator {
        HttpLoad.Result run(int seconds) throws Exception;
    }

    private static Run measure(int round, boolean on, boolean alone, Load load, Collector collector,
                               Generator generator, int seconds) throws Exception {
        generator.run(WARM_UP_SECONDS);
        if (collector != null) {
            CollectorReading.awaitDrained(collector);
        }
        CollectorReading before = CollectorReading.now(collector);
        long start = System.nanoTime();
        HttpLoad.Result result = generator.run(seconds);
        if (collector != null) {
            CollectorReading.awaitDrained(collector);
        }
        Run run = new Run(round, on, alone, load, result, CollectorReading.now(collector).minus(before),
                (System.nanoTime() - start) / 1e9);
        System.out.println("  " + row(run));
        return run;
    }

    /**
     * The collector's CPU with no load of ours (other processes on the machine are still traced), per second; after
     * the loads, so the JIT has compiled what the loads ran.
     */
    private static double idleCpu(Collector collector, int seconds) throws Exception {
        CollectorReading before = CollectorReading.now(collector);
        Thread.sleep(seconds * 1000L);
        CollectorReading idle = CollectorReading.now(collector).minus(before);
        System.out.printf("  %-15s collector idle for %d s: %.2f s CPU; other processes' events: %d L7, %d of all types%n",
                "", seconds, idle.cpuSeconds(), idle.l7Events(), idle.allEvents());
        return idle.cpuSeconds() / seconds;
    }

    private static final String HEADER = String.format("%-5s %-4s %-10s %8s %9s %6s %7s %7s %7s %12s %10s %10s %8s %8s %6s %7s",
            "round", "mode", "load", "req/s", "requests", "errors", "p50 ms", "p99 ms", "CPU s", "CPU ms/1k req",
            "w/o JIT", "L7 events", "ev/req", "drops", "GC ms", "JIT s");

    private static String row(Run run) {
        CollectorReading c = run.collector();
        boolean on = run.on();
        return String.format("%-5s %-4s %-10s %8.0f %9d %6d %7.2f %7.2f %7.2f %12s %10s %10s %8s %8s %6d %7.2f",
                run.round() + (run.alone() ? "" : "*"), on ? "on" : "off", run.load().name().toLowerCase(),
                run.result().perSecond(), run.result().requests(), run.result().errors(), run.result().p50Ms(),
                run.result().p99Ms(), c.cpuSeconds(),
                on ? String.format("%.2f", run.cpuMsPer1000Requests()) : "-",
                on ? String.format("%.2f", run.cpuMsPer1000RequestsWithoutJit()) : "-",
                on ? String.valueOf(c.l7Events()) : "-", on ? String.format("%.2f", run.eventsPerRequest()) : "-",
                on ? c.kernelDrops() + "/" + c.userDrops() : "-", c.gcMs(), c.jitCpuSeconds());
    }

    private static List<Double> values(List<Run> runs, Predicate<Run> which, Function<Run, Double> value) {
        return runs.stream().filter(which).map(value).toList();
    }

    private static void printFixed(List<Run> all, Spread idleCpuPerSecond) {
        List<Run> runs = all.stream().filter(r -> r.load() == Load.FIXED).toList();
        Predicate<Run> off = r -> !r.on();
        Predicate<Run> on = Run::on;
        System.out.printf("%n== Fixed load: hey, %d workers x %d req/s = %,d req/s open loop, %s (%d B) ==%n", WORKERS,
                PER_WORKER_RATE, TARGET_RATE, BenchmarkNginx.STATIC_PATH, BenchmarkNginx.STATIC_BYTES);
        System.out.println(HEADER);
        runs.forEach(run -> System.out.println(row(run)));
        System.out.println("(CPU s: this JVM's utime+stime over the run and the drain; with the collector off it is the"
                + " harness alone. w/o JIT: the same less the JIT compiler threads' CPU. drops: kernel ring-buffer / user-space."
                + " GC ms, JIT s: of that CPU time, the JVM's garbage collection pauses and its compiler threads' CPU."
                + " *: another process's Tapwire probes were loaded.)");
        Spread rateOff = Spread.of(values(runs, off, r -> r.result().perSecond()));
        Spread rateOn = Spread.of(values(runs, on, r -> r.result().perSecond()));
        System.out.printf("medians (min–max) over %d runs each:%n", runs.size() / 2);
        System.out.printf("  achieved rate: off %s, on %s req/s (target %,d; %s)%n", rateOff.format("%.0f"),
                rateOn.format("%.0f"), TARGET_RATE, Math.min(rateOff.min(), rateOn.min()) >= 0.95 * TARGET_RATE
                        ? "held within 5% in every run" : "NOT held within 5% in every run");
        Spread p99Off = Spread.of(values(runs, off, r -> r.result().p99Ms()));
        Spread p99On = Spread.of(values(runs, on, r -> r.result().p99Ms()));
        System.out.printf("  p50: off %s ms, on %s ms%n", Spread.of(values(runs, off, r -> r.result().p50Ms())).format("%.2f"),
                Spread.of(values(runs, on, r -> r.result().p50Ms())).format("%.2f"));
        System.out.printf("  p99: off %s ms, on %s ms%n", p99Off.format("%.2f"), p99On.format("%.2f"));
        System.out.printf("  p99 ratio on/off: %.3f of the medians; per round %s (target <= 1.10)%n",
                p99On.median() / p99Off.median(), pairedRatios(runs, r -> r.result().p99Ms()).format("%.3f"));
        System.out.printf("  collector CPU per 1,000 requests: %s ms (target <= 10 ms); %s cores%n",
                Spread.of(values(runs, on, Run::cpuMsPer1000Requests)).format("%.2f"),
                Spread.of(values(runs, on, r -> r.collector().cpuSeconds() / r.seconds())).format("%.3f"));
        System.out.printf("  the same without the JIT compilers' threads: %s ms per 1,000 requests%n",
                Spread.of(values(runs, on, Run::cpuMsPer1000RequestsWithoutJit)).format("%.2f"));
        System.out.printf("  the collector idle, for comparison (no load of ours, after each round's loads): %.1f"
                + " (%.1f–%.1f) ms CPU per s = %.2f ms per 1,000 requests at %,d req/s%n", idleCpuPerSecond.median() * 1000,
                idleCpuPerSecond.min() * 1000, idleCpuPerSecond.max() * 1000, idleCpuPerSecond.median() * 1e6 / TARGET_RATE,
                TARGET_RATE);
        System.out.printf("  harness alone (collector off): %s s CPU per run%n",
                Spread.of(values(runs, off, r -> r.collector().cpuSeconds())).format("%.2f"));
        printEventsAndDrops(runs);
    }

    private static void printSaturation(List<Run> all) {
        List<Run> runs = all.stream().filter(r -> r.load() == Load.SATURATION).toList();
        System.out.printf("%n== Saturation: wrk -t1 -c%d flat out, %s ==%n", WORKERS, BenchmarkNginx.STATIC_PATH);
        System.out.println(HEADER);
        runs.forEach(run -> System.out.println(row(run)));
        Spread off = Spread.of(values(runs, r -> !r.on(), r -> r.result().perSecond()));
        Spread on = Spread.of(values(runs, Run::on, r -> r.result().perSecond()));
        System.out.printf("medians (min–max) over %d runs each:%n", runs.size() / 2);
        System.out.printf("  throughput: off %s, on %s req/s%n", off.format("%.0f"), on.format("%.0f"));
        Spread paired = pairedRatios(runs, r -> r.result().perSecond());
        System.out.printf("  loss 1 - on/off: %.1f%% of the medians; per round %.1f%% (%.1f%%–%.1f%%) (target <= 10%%)%n",
                100 * (1 - on.median() / off.median()), 100 * (1 - paired.median()), 100 * (1 - paired.max()),
                100 * (1 - paired.min()));
        System.out.printf("  p99: off %s ms, on %s ms (wrk, closed loop)%n",
                Spread.of(values(runs, r -> !r.on(), r -> r.result().p99Ms())).format("%.2f"),
                Spread.of(values(runs, Run::on, r -> r.result().p99Ms())).format("%.2f"));
        System.out.printf("  collector CPU per 1,000 requests: %s ms; %s cores%n",
                Spread.of(values(runs, Run::on, Run::cpuMsPer1000Requests)).format("%.2f"),
                Spread.of(values(runs, Run::on, r -> r.collector().cpuSeconds() / r.seconds())).format("%.3f"));
        printEventsAndDrops(runs);
    }

    private static void printEventsAndDrops(List<Run> runs) {
        List<Run> on = runs.stream().filter(Run::on).toList();
        System.out.printf("  L7 events per request: %s; kernel drops %d, user-space drops %d, produce errors %d of %d"
                        + " events in all runs%n", Spread.of(values(on, r -> true, Run::eventsPerRequest)).format("%.2f"),
                on.stream().mapToLong(r -> r.collector().kernelDrops()).sum(),
                on.stream().mapToLong(r -> r.collector().userDrops()).sum(),
                on.stream().mapToLong(r -> r.collector().produceErrors()).sum(),
                on.stream().mapToLong(r -> r.collector().l7Events()).sum());
    }

    /** on/off of the same round, per round. */
    private static Spread pairedRatios(List<Run> runs, Function<Run, Double> value) {
        List<Double> ratios = new ArrayList<>();
        for (Run on : runs) {
            if (on.on()) {
                runs.stream().filter(off -> !off.on() && off.round() == on.round()).findFirst()
                        .ifPresent(off -> ratios.add(value.apply(on) / value.apply(off)));
            }
        }
        return Spread.of(ratios);
    }

    /**
     * What the collector's figure leaves out: the time of its BPF programs, which run in the traced processes'
     * syscalls and are charged to them. Measured in one extra fixed-load run with kernel.bpf_stats_enabled on, not in
     * the rounds: the stats add two clock reads to every program run.
     */
    private static void measureKernelCost(CollectorSettings settings, HttpLoad load, String url, int seconds,
                                          Runnable restoreBpfStats) throws Exception {
        System.out.printf("%n== Kernel time of the BPF programs: one more fixed-load run, kernel.bpf_stats_enabled=1 ==%n");
        boolean alone = awaitNoOtherTapwireProbes();
        Files.writeString(CollectorReading.BPF_STATS, "1");
        Run run;
        Map<Long, long[]> programs = new HashMap<>();
        Map<Long, String> names;
        try (Collector collector = Collector.start(settings)) {
            Map<Long, long[]> before = CollectorReading.bpfPrograms();
            run = measure(0, true, alone, Load.FIXED, collector, s -> load.hey(url, s, WORKERS, PER_WORKER_RATE), seconds);
            CollectorReading.bpfPrograms().forEach((id, after) -> {
                long[] start = before.getOrDefault(id, new long[2]);
                programs.put(id, new long[] {after[0] - start[0], after[1] - start[1]});
            });
            names = bpfProgramNames();
        } finally {
            restoreBpfStats.run();
        }
        CollectorReading c = run.collector();
        double requests = run.result().requests();
        System.out.printf("BPF programs: %.2f ms per 1,000 requests (%.3f cores at %.0f req/s), %.0f ns per program run,"
                + " %.1f program runs per request; charged to nginx and hey, on top of the collector's CPU%n",
                run.bpfMsPer1000Requests(), c.bpfRunNs() / 1e9 / run.seconds(), run.result().perSecond(),
                (double) c.bpfRunNs() / Math.max(1, c.bpfRuns()), c.bpfRuns() / requests);
        // Per program over warm-up and run together: shares, scaled to the run's totals per request.
        long totalNs = programs.values().stream().mapToLong(p -> p[0]).sum();
        long totalRuns = programs.values().stream().mapToLong(p -> p[1]).sum();
        System.out.printf("  %-24s %8s %12s %10s%n", "program", "share", "runs/request", "ns/run");
        programs.entrySet().stream().filter(e -> e.getValue()[1] > 0)
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(10)
                .forEach(e -> System.out.printf("  %-24s %7.1f%% %12.2f %10.0f%n", names.getOrDefault(e.getKey(),
                                "id " + e.getKey()), 100.0 * e.getValue()[0] / Math.max(1, totalNs),
                        (double) e.getValue()[1] / Math.max(1, totalRuns) * c.bpfRuns() / requests,
                        (double) e.getValue()[0] / e.getValue()[1]));
    }

    /** Program id → name, from bpftool's listing ("123: tracing  name tapwire_sys_exit  tag ..."). */
    private static Map<Long, String> bpfProgramNames() {
        Map<Long, String> names = new HashMap<>();
        try {
            Process bpftool = new ProcessBuilder("bpftool", "prog", "show").redirectErrorStream(true).start();
            Pattern line = Pattern.compile("^(\\d+): \\S+\\s+name (\\S+)");
            new String(bpftool.getInputStream().readAllBytes()).lines().map(line::matcher).filter(Matcher::find)
                    .forEach(m -> names.put(Long.parseLong(m.group(1)), m.group(2)));
            bpftool.waitFor();
        } catch (IOException | InterruptedException e) {
            System.out.println("  (cannot list BPF programs: " + e.getMessage() + ")");
        }
        return names;
    }

    /**
     * The bytes an observed request costs: a fresh collector, wrk with varied requests for {@code seconds}, then the
     * growth of tapwire.raw.l7.v1 on the broker's disk (compressed as the producer sent it) and its records read back.
     */
    private static void measureBytes(CollectorSettings settings, HttpLoad load, BenchmarkNginx nginx, Path work,
                                     int seconds, String bootstrap, String registryUrl) throws Exception {
        Path script = VariedHttpRequests.writeScript(work, VARIED_DELAY_MS);
        String url = nginx.url("/");
        System.out.printf("%n== Bytes per observed HTTP request: %s (%d paths, varied User-Agent, Accept, X-Request-Id)"
                + " ==%n", String.join(" ", load.wrkCommand(url, seconds, WORKERS, script)), VariedHttpRequests.PATHS);
        awaitNoOtherTapwireProbes();
        try (L7TopicBytes topic = new L7TopicBytes(bootstrap, registryUrl)) {
            L7TopicBytes.Mark before = topic.awaitSettled();
            HttpLoad.Result result;
            CollectorReading reading;
            try (Collector collector = Collector.start(settings)) {
                CollectorReading start = CollectorReading.now(collector);
                result = load.wrk(url, seconds, WORKERS, script);
                CollectorReading.awaitDrained(collector);
                reading = CollectorReading.now(collector).minus(start);
            }
            L7TopicBytes.Mark after = topic.awaitSettled();
            int port = nginx.port();
            L7TopicBytes.Contents contents = topic.read(before, after, event -> {
                if (event.getTuple().getLocalPort() == port) {
                    return "nginx " + event.getSyscall();
                }
                return event.getTuple().getRemotePort() == port ? "client " + event.getSyscall() : null;
            });
            long requests = result.requests();
            long diskBytes = after.diskBytes() - before.diskBytes();
            double share = (double) contents.matchingBytes() / contents.bytes();
            double compressedOurs = diskBytes * share;
            System.out.printf("requests: %d (%.0f req/s, %d errors); collector: %d L7 events decoded, kernel drops %d,"
                    + " user-space drops %d%n", requests, result.perSecond(), result.errors(), reading.l7Events(),
                    reading.kernelDrops(), reading.userDrops());
            System.out.printf("topic grew by %d records (%d on nginx's port, the rest other processes' traffic and"
                    + " heartbeats) and %d bytes on the broker's disk (%s, as the collector's producer sends them)%n",
                    after.records() - before.records(), contents.matching(), diskBytes, producerBatching(settings));
            System.out.printf("events on nginx's port per request: %.2f (both ends: %s)%n",
                    (double) contents.matching() / requests, perRequest(contents.kinds(), requests));
            System.out.printf("in Kafka, compressed: %.1f B per request (all its events, client and server side),"
                    + " %.1f B per event (target <= 200 B per request)%n", compressedOurs / requests,
                    compressedOurs / contents.matching());
            System.out.printf("uncompressed (key + wire-format value): %.1f B per event (value alone %.1f B), %.1f B per"
                    + " request; compression ratio %.1fx%n", (double) contents.matchingBytes() / contents.matching(),
                    (double) contents.matchingValues() / contents.matching(),
                    (double) contents.matchingBytes() / requests, contents.matchingBytes() / compressedOurs);
        }
    }

    /** As RawProducer configures its producer. */
    private static String producerBatching(CollectorSettings settings) {
        Integer level = settings.producer().compressionLevel();
        return settings.producer().compression() + (level == null ? "" : " level " + level) + " compression, linger "
                + settings.producer().linger().toMillis() + " ms, batch size 256 KiB";
    }

    private static String perRequest(Map<String, Long> kinds, long requests) {
        StringBuilder out = new StringBuilder();
        kinds.forEach((kind, count) -> out.append(out.length() > 0 ? ", " : "").append(kind)
                .append(String.format(" %.2f", (double) count / requests)));
        return out.toString();
    }

    /**
     * Another collector's probes (tests, a second benchmark) would cost nginx and hey in this run too: waits up to
     * {@link #OTHER_PROBES_WAIT} for them to be unloaded. Called while no collector of ours runs, so every Tapwire
     * program loaded is another process's. Returns whether the machine is free of them.
     */
    private static boolean awaitNoOtherTapwireProbes() throws InterruptedException {
        long deadline = System.nanoTime() + OTHER_PROBES_WAIT.toNanos();
        long others = tapwirePrograms();
        if (others > 0) {
            System.out.printf("  %d Tapwire BPF programs of another process are loaded (another collector traces nginx"
                    + " and the load generator too); waiting up to %d s for them to go%n", others,
                    OTHER_PROBES_WAIT.toSeconds());
        }
        while (others > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5000);
            others = tapwirePrograms();
        }
        if (others > 0) {
            System.out.printf("  still %d: the next run is marked with *%n", others);
        }
        return others == 0;
    }

    private static long tapwirePrograms() {
        try {
            Process bpftool = new ProcessBuilder("bpftool", "prog", "show").redirectErrorStream(true).start();
            long count = new String(bpftool.getInputStream().readAllBytes()).lines()
                    .filter(line -> line.matches("^\\d+: .* name tapwire.*")).count();
            bpftool.waitFor();
            return count;
        } catch (IOException | InterruptedException e) {
            System.out.println("  (cannot list BPF programs: " + e.getMessage() + ")");
            return 0;
        }
    }

    private static void printMachine(int rounds, int seconds) throws IOException {
        List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
        long cores = cpuinfo.stream().filter(line -> line.startsWith("processor")).count();
        String model = cpuinfo.stream().filter(line -> line.startsWith("model name")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("?");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        System.out.printf("L7 capture benchmark, %s%n", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        System.out.printf("command: %s%n",
                System.getProperty("benchmark.command", "L7CaptureBenchmark " + rounds + " " + seconds));
        System.out.printf("machine: %d cores (%s), %s, kernel %s, Java %s%n", cores, model, memory,
                Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim(), System.getProperty("java.version"));
        System.out.printf("JVM (collector and harness): %s%n",
                String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.printf("rounds: %d x (collector off, collector on), each load %d s after a %d s warm-up%n", rounds,
                seconds, WARM_UP_SECONDS);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            System.err.println("could not delete all of " + dir + ": " + e.getMessage());
        }
    }

    private static void writeQuietly(Path path, String value) {
        try {
            Files.writeString(path, value);
        } catch (IOException e) {
            System.err.println("could not restore " + path + " to " + value + ": " + e.getMessage());
        }
    }
}
