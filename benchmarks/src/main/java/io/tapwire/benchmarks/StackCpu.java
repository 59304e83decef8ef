package io.tapwire.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds of the local stack's components at one moment. The broker, the registry, the topology and the collector
 * share this JVM: their threads are told apart by name (the collector's threads and producer are
 * {@code tapwire-collector…}, {@code tapwire-inventory}, {@code tapwire-source}; the topology's {@code tapwire-topology…}
 * and its StreamThreads; the registry's {@code tapwire-registry…}; every other thread is the broker's or the JVM's).
 * The JVM's own threads, which Java's thread list leaves out, are read from /proc ({@link JvmThreadsCpu}): its JIT
 * compilers and its garbage collector. What is left of the process's time (threads that ended) is "unattributed". The
 * API runs in its own process. Subtract two readings for a run.
 */
record StackCpu(Map<String, Double> seconds) {

    static final String COLLECTOR = "collector";
    static final String BROKER = "broker and JVM threads";
    static final String REGISTRY = "registry";
    static final String TOPOLOGY = "topology";
    static final String API = "API (own process)";
    static final String JIT = "JVM JIT compilers";
    static final String GC = "JVM GC and VM thread";
    static final String UNATTRIBUTED = "JVM unattributed (ended threads)";

    static StackCpu now(long apiPid) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> byComponent = new LinkedHashMap<>();
        for (String component : new String[] {COLLECTOR, BROKER, REGISTRY, TOPOLOGY, API, JIT, GC, UNATTRIBUTED}) {
            byComponent.put(component, 0.0);
        }
        double threadTotal = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos < 0) {
                continue;
            }
            double cpu = nanos / 1e9;
            threadTotal += cpu;
            byComponent.merge(component(info.getThreadName()), cpu, Double::sum);
        }
        JvmThreadsCpu jvm = JvmThreadsCpu.now();
        byComponent.put(JIT, jvm.jitSeconds());
        byComponent.put(GC, jvm.gcSeconds());
        byComponent.put(UNATTRIBUTED, Math.max(0, processSeconds(Path.of("/proc/self/stat")) - threadTotal
                - jvm.jitSeconds() - jvm.gcSeconds()));
        byComponent.put(API, processSeconds(Path.of("/proc/" + apiPid + "/stat")));
        return new StackCpu(byComponent);
    }

    static String component(String thread) {
        if (thread.contains("tapwire-collector") || thread.startsWith("tapwire-inventory")
                || thread.startsWith("tapwire-source")) {
            return COLLECTOR;
        }
        if (thread.contains("tapwire-topology") || thread.contains("StreamThread")) {
            return TOPOLOGY;
        }
        if (thread.contains("tapwire-registry")) {
            return REGISTRY;
        }
        return BROKER;
    }

    StackCpu minus(StackCpu before) {
        Map<String, Double> difference = new LinkedHashMap<>();
        seconds.forEach((component, value) -> difference.put(component, value - before.seconds.getOrDefault(component, 0.0)));
        return new StackCpu(difference);
    }

    StackCpu scaled(double factor) {
        Map<String, Double> scaled = new LinkedHashMap<>();
        seconds.forEach((component, value) -> scaled.put(component, value * factor));
        return new StackCpu(scaled);
    }

    double total() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** utime + stime of a process from its stat file, in seconds. */
    private static double processSeconds(Path stat) throws IOException {
        return JvmThreadsCpu.cpuTicks(Files.readString(stat)) / 100.0;
    }
}
