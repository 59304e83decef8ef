package io.tapwire.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.tapwire.collector.app.Collector;

/**
 * What the collector had done at one moment, read in its own process: this JVM's CPU time, the collector's L7
 * counters, and the run time of the BPF programs this process holds (kernel time, charged to the traced processes,
 * counted only while {@code kernel.bpf_stats_enabled} is 1). Subtract two readings for a run.
 *
 * @param cpuSeconds    utime + stime of this JVM (the collector's threads, GC, JIT; the harness only waits)
 * @param l7Events      L7 payload events decoded
 * @param allEvents     kernel events of every type decoded (process, TCP, file, L7)
 * @param l7Sent        records handed to the producer for tapwire.raw.l7.v1 (heartbeats included)
 * @param kernelDrops   L7 events the kernel could not reserve ring-buffer space for
 * @param userDrops     raw records dropped in user space, all reasons and topics
 * @param produceErrors records Kafka did not acknowledge
 * @param bpfRunNs      run time of this process's BPF programs
 * @param bpfRuns       runs of this process's BPF programs
 * @param gcMs          time this JVM's collectors spent (stop-the-world with the serial collector: CPU time of one thread)
 * @param jitCpuSeconds utime + stime of this JVM's compiler threads (part of {@code cpuSeconds}): what a collector
 *                      that has run for a while no longer spends
 */
record CollectorReading(double cpuSeconds, long l7Events, long allEvents, long l7Sent, long kernelDrops, long userDrops,
                        long produceErrors, long bpfRunNs, long bpfRuns, long gcMs, double jitCpuSeconds) {

    static final Path BPF_STATS = Path.of("/proc/sys/kernel/bpf_stats_enabled");

    /** {@code collector} null: no collector runs; only the CPU time is read. */
    static CollectorReading now(Collector collector) throws IOException {
        double cpu = processCpuSeconds();
        double jitCpu = JvmThreadsCpu.now().jitSeconds();
        if (collector == null) {
            return new CollectorReading(cpu, 0, 0, 0, 0, 0, 0, 0, 0, gcMsSoFar(), jitCpu);
        }
        Map<String, Double> metrics = metrics(collector);
        long userDrops = metrics.entrySet().stream()
                .filter(e -> e.getKey().startsWith("tapwire_collector_dropped_records_total{"))
                .mapToLong(e -> e.getValue().longValue()).sum();
        long allEvents = metrics.entrySet().stream()
                .filter(e -> e.getKey().startsWith("tapwire_collector_events_total{"))
                .mapToLong(e -> e.getValue().longValue()).sum();
        long[] bpf = bpfRunTime();
        return new CollectorReading(cpu, l7Events(collector), allEvents,
                value(metrics, "tapwire_collector_records_sent_total{topic=\"tapwire.raw.l7.v1\"}"),
                value(metrics, "tapwire_collector_kernel_dropped_events_total{type=\"l7_payload\"}"), userDrops,
                value(metrics, "tapwire_collector_produce_errors_total"), bpf[0], bpf[1], gcMsSoFar(), jitCpu);
    }

    CollectorReading minus(CollectorReading before) {
        return new CollectorReading(cpuSeconds - before.cpuSeconds, l7Events - before.l7Events,
                allEvents - before.allEvents, l7Sent - before.l7Sent,
                kernelDrops - before.kernelDrops, userDrops - before.userDrops, produceErrors - before.produceErrors,
                bpfRunNs - before.bpfRunNs, bpfRuns - before.bpfRuns, gcMs - before.gcMs,
                jitCpuSeconds - before.jitCpuSeconds);
    }

    private static long gcMsSoFar() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(ms -> ms > 0).sum();
    }

    static long l7Events(Collector collector) {
        return value(metrics(collector), "tapwire_collector_events_total{type=\"l7_payload\"}");
    }

    /** Waits until the collector has decoded everything the kernel buffered (its L7 count stops moving). */
    static void awaitDrained(Collector collector) throws InterruptedException {
        long last = -1;
        long current = l7Events(collector);
        while (current != last) {
            Thread.sleep(300);
            last = current;
            current = l7Events(collector);
        }
    }

    private static Map<String, Double> metrics(Collector collector) {
        Map<String, Double> values = new HashMap<>();
        for (String line : collector.metrics().render().split("\n")) {
            int space = line.lastIndexOf(' ');
            if (!line.startsWith("#") && space > 0) {
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return values;
    }

    private static long value(Map<String, Double> metrics, String series) {
        return metrics.getOrDefault(series, 0.0).longValue();
    }

    /** utime + stime of this process from /proc/self/stat, in seconds. */
    static double processCpuSeconds() throws IOException {
        return JvmThreadsCpu.cpuTicks(Files.readString(Path.of("/proc/self/stat"))) / 100.0;
    }


    /** {run_time_ns, run_cnt} summed over {@link #bpfPrograms()}. */
    private static long[] bpfRunTime() throws IOException {
        long[] sum = new long[2];
        bpfPrograms().values().forEach(run -> {
            sum[0] += run[0];
            sum[1] += run[1];
        });
        return sum;
    }

    /**
     * {run_time_ns, run_cnt} of each BPF program whose fd this process holds, by program id, from /proc/self/fdinfo
     * (a program fd's fdinfo has prog_id, run_time_ns and run_cnt; a program held by several fds is counted once).
     */
    static Map<Long, long[]> bpfPrograms() throws IOException {
        Map<Long, long[]> byProgram = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds) {
                String info;
                try {
                    info = Files.readString(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile
                }
                if (!info.contains("run_time_ns:")) {
                    continue; // no program fd (a link's fdinfo names its program too, without the counters)
                }
                long id = -1;
                long[] run = new long[2];
                for (String line : info.split("\n")) {
                    String[] kv = line.split(":\\s*", 2);
                    switch (kv[0]) {
                        case "prog_id" -> id = Long.parseLong(kv[1].trim());
                        case "run_time_ns" -> run[0] = Long.parseLong(kv[1].trim());
                        case "run_cnt" -> run[1] = Long.parseLong(kv[1].trim());
                        default -> { }
                    }
                }
                byProgram.put(id, run);
            }
        }
        return byProgram;
    }
}
