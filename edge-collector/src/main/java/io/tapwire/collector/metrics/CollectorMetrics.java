package io.tapwire.collector.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * The collector's own counters and gauges, rendered in the Prometheus text exposition format. Counters are
 * {@link LongAdder}s keyed by name and label set, so the hot path increments without contention.
 */
public final class CollectorMetrics {

    private record Series(String name, String labels) implements Comparable<Series> {
        @Override
        public int compareTo(Series other) {
            int byName = name.compareTo(other.name);
            return byName != 0 ? byName : labels.compareTo(other.labels);
        }
    }

    private final Map<Series, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<Series, DoubleSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> help = new ConcurrentHashMap<>();

    /** A counter; {@code labels} alternate names and values, e.g. {@code "type", "exec"}. */
    public LongAdder counter(String name, String description, String... labels) {
        help.putIfAbsent(name, description);
        return counters.computeIfAbsent(new Series(name, labels(labels)), s -> new LongAdder());
    }

    public void gauge(String name, String description, DoubleSupplier value, String... labels) {
        help.put(name, description);
        gauges.put(new Series(name, labels(labels)), value);
    }

    /** The exposition: one HELP and TYPE line per family, then its series, families sorted by name. */
    public String render() {
        StringBuilder out = new StringBuilder();
        Map<Series, Object> all = new TreeMap<>();
        all.putAll(counters);
        all.putAll(gauges);
        String family = null;
        for (Map.Entry<Series, Object> entry : all.entrySet()) {
            Series series = entry.getKey();
            if (!series.name().equals(family)) {
                family = series.name();
                boolean counter = entry.getValue() instanceof LongAdder;
                out.append("# HELP ").append(family).append(' ').append(help.getOrDefault(family, family)).append('\n');
                out.append("# TYPE ").append(family).append(counter ? " counter" : " gauge").append('\n');
            }
            double value = entry.getValue() instanceof LongAdder adder ? adder.sum()
                    : ((DoubleSupplier) entry.getValue()).getAsDouble();
            out.append(series.name()).append(series.labels()).append(' ').append(format(value)).append('\n');
        }
        return out.toString();
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static String labels(String... pairs) {
        if (pairs.length == 0) {
            return "";
        }
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs");
        }
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(pairs[i]).append("=\"").append(pairs[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n")).append('"');
        }
        return out.append('}').toString();
    }
}
