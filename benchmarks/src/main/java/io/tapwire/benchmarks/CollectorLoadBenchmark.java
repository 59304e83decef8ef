package io.tapwire.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.tapwire.collector.app.Collector;
import io.tapwire.collector.app.CollectorSettings;
import io.tapwire.schemas.settings.TypedProperties;

/**
 * The collector under load on the real kernel, producing to a real broker and registry in another process (so
 * their CPU is not counted): a C generator opens a file for writing in a loop, one kernel event per open.
 *
 * <ol>
 *   <li>Drain rate: the generator runs flat out; events decoded, mapped to Avro and handed to the producer per
 *       second, with the kernel's ring-buffer drops (the generator outpacing the collector).</li>
 *   <li>CPU at a steady rate: the generator at {@code RATE} events/s; the collector process's CPU time (all its
 *       threads: poll, producer, scheduler) per 1,000 events, and its resident memory.</li>
 * </ol>
 * Usage (root): CollectorLoadBenchmark GENERATOR BOOTSTRAP REGISTRY_URL [SECONDS] [RATE]. bin/run-benchmark-collector
 * starts the local stack and builds the generator.
 */
public final class CollectorLoadBenchmark {

    private CollectorLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path generator = Path.of(args[0]);
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 50_000;
        Properties props = new Properties();
        props.setProperty("tapwire.kafka.bootstrap-servers", args[1]);
        props.setProperty("tapwire.registry.url", args[2]);
        // The generator is this JVM's child: with exclude-self it would be excluded with us.
        props.setProperty("tapwire.collector.exclude-self", "false");
        props.setProperty("tapwire.collector.metrics-port", "0");
        props.setProperty("tapwire.collector.file-ring-buffer-bytes", "8MiB");
        props.setProperty("tapwire.collector.inventory-interval", "1h");
        // -Dtapwire.collector.* settings override these, e.g. -Dtapwire.collector.poll-batch-wait=0s
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("tapwire.collector."))
                .forEach(name -> props.setProperty(name, System.getProperty(name)));
        Path target = Files.createTempFile("tapwire-bench-", ".out");
        try (Collector collector = Collector.start(CollectorSettings.from(new TypedProperties(props)))) {
            run(collector, generator, target, 3, 0, "warm-up");
            Sample flatOut = run(collector, generator, target, seconds, 0, "drain rate (generator flat out)");
            Sample steady = run(collector, generator, target, seconds, rate, "steady " + rate + " events/s");
            System.out.printf("RESULT drain_events_per_s=%.0f kernel_drops=%d generated=%d%n",
                    flatOut.decoded / flatOut.seconds, flatOut.kernelDrops, flatOut.generated);

            System.out.printf("RESULT steady_rate_events_per_s=%.0f cpu_ms_per_1000_events=%.3f cores=%.3f rss_mb=%.0f%n",
                    steady.decoded / steady.seconds, steady.cpuSeconds * 1000 / (steady.decoded / 1000.0),
                    steady.cpuSeconds / steady.seconds, rssMb());
        }
        // A collector of its own, with a ring buffer large enough for the backlog (its memory counts in RSS).
        props.setProperty("tapwire.collector.file-ring-buffer-bytes", "512MiB");
        try (Collector collector = Collector.start(CollectorSettings.from(new TypedProperties(props)))) {
            run(collector, generator, target, 3, 0, "warm-up");
            Backlog backlog = drainBacklog(collector, generator, target);
            System.out.printf("RESULT backlog_drain_events_per_s=%.0f poll_thread_cpu_share=%.2f backlog=%d%n",
                    backlog.events / backlog.seconds, backlog.pollThreadCpuSeconds / backlog.seconds, backlog.events);
        } finally {
            Files.deleteIfExists(target);
        }
    }

    private record Backlog(long events, double seconds, double pollThreadCpuSeconds) {
    }

    /**
     * The collector's own ceiling, which the flat-out phase cannot show on two cores (the generator takes one):
     * polling is held while the generator fills the file ring buffer, then released, and the drain of the backlog
     * (decode, map, Avro, produce) is timed with the generator stopped.
     */
    private static Backlog drainBacklog(Collector collector, Path generator, Path target) throws Exception {
        String decodedSeries = "tapwire_collector_events_total{type=\"file_open_write\"}";
        String dropSeries = "tapwire_collector_kernel_dropped_events_total{type=\"file_open_write\"}";
        long decoded0 = awaitStable(collector, decodedSeries);
        long drops0 = counter(collector, dropSeries);
        collector.holdPolling(true);
        Thread.sleep(100);
        Process process = new ProcessBuilder(generator.toString(), target.toString(), "3", "0")
                .redirectErrorStream(true).start();
        long generated = Long.parseLong(new String(process.getInputStream().readAllBytes()).trim());
        process.waitFor();
        long dropped = counter(collector, dropSeries) - drops0;
        long expected = decoded0 + generated - dropped;
        Thread pollThread = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("tapwire-collector-poll")).findFirst().orElseThrow();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getThreadCpuTime(pollThread.getId());
        long start = System.nanoTime();
        collector.holdPolling(false);
        long deadline = start + java.time.Duration.ofSeconds(60).toNanos();
        while (counter(collector, decodedSeries) < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (threads.getThreadCpuTime(pollThread.getId()) - cpu0) / 1e9;
        long drained = counter(collector, decodedSeries) - decoded0;
        System.out.printf("backlog: %d events buffered (%d dropped by the full ring buffer), %d drained in %.2f s; "
                + "poll thread CPU %.2f s%n", generated - dropped, dropped, drained, seconds, cpu);
        return new Backlog(drained, seconds, cpu);
    }

    private record Sample(long generated, long decoded, long sent, long kernelDrops, double seconds, double cpuSeconds) {
    }

    private static Sample run(Collector collector, Path generator, Path target, int seconds, int rate, String label)
            throws Exception {
        long decoded0 = counter(collector, "tapwire_collector_events_total{type=\"file_open_write\"}");
        long sent0 = counter(collector, "tapwire_collector_records_sent_total{topic=\"tapwire.raw.file.v1\"}");
        long drops0 = counter(collector, "tapwire_collector_kernel_dropped_events_total{type=\"file_open_write\"}");
        double cpu0 = cpuSeconds();
        Map<String, Long> threads0 = threadCpu();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(generator.toString(), target.toString(), String.valueOf(seconds),
                String.valueOf(rate)).redirectErrorStream(true).start();
        long generated = Long.parseLong(new String(process.getInputStream().readAllBytes()).trim());
        process.waitFor();
        // Let the collector drain what is still in the ring buffer.
        long decoded = awaitStable(collector, "tapwire_collector_events_total{type=\"file_open_write\"}") - decoded0;
        double elapsed = (System.nanoTime() - start) / 1e9;
        Sample sample = new Sample(generated, decoded,
                counter(collector, "tapwire_collector_records_sent_total{topic=\"tapwire.raw.file.v1\"}") - sent0,
                counter(collector, "tapwire_collector_kernel_dropped_events_total{type=\"file_open_write\"}") - drops0,
                elapsed, cpuSeconds() - cpu0);
        System.out.printf("%s: generated %d, decoded %d, sent %d, kernel drops %d in %.1f s; collector CPU %.2f s "
                        + "(Java threads: %s; the rest is GC, JIT and the JVM's own)%n", label, sample.generated,
                sample.decoded, sample.sent, sample.kernelDrops, elapsed, sample.cpuSeconds, busiest(threads0, threadCpu()));
        return sample;
    }

    /** CPU time of every live Java thread, by name, in nanoseconds. */
    private static Map<String, Long> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null) {
                cpu.merge(info.getThreadName(), Math.max(0, mx.getThreadCpuTime(info.getThreadId())), Long::sum);
            }
        }
        return cpu;
    }

    /** The threads that used the most CPU between two {@link #threadCpu} readings, as "name 1.23 s". */
    private static String busiest(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 10_000_000L)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(4)
                .map(e -> String.format("%s %.2f s", e.getKey(), e.getValue() / 1e9))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static long awaitStable(Collector collector, String series) throws InterruptedException {
        long last = -1;
        long current = counter(collector, series);
        while (current != last) {
            Thread.sleep(300);
            last = current;
            current = counter(collector, series);
        }
        return current;
    }

    private static long counter(Collector collector, String series) {
        for (String line : collector.metrics().render().split("\n")) {
            if (line.startsWith(series + " ")) {
                return (long) Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    /** utime + stime of this process from /proc/self/stat, in seconds (USER_HZ = 100). */
    private static double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
