package io.tapwire.api.exposition;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.tapwire.api.counters.LatencyBuckets;

/**
 * Builds a Prometheus text exposition (format 0.0.4): families with their HELP and TYPE lines, samples summed by
 * label set, histograms as cumulative {@code _bucket} lines ending at {@code le="+Inf"}, then {@code _sum} and
 * {@code _count}. Families come out sorted by name and series by labels, so the same counters always give the same
 * text.
 */
final class Exposition {

    private static final double NANOS_PER_SECOND = 1e9;

    enum Type { COUNTER, GAUGE, HISTOGRAM }

    /** How a family's integer values are shown: as they are, or nanoseconds as seconds. */
    enum Unit { COUNT, NANOS_AS_SECONDS }

    private static final class Family {
        final Type type;
        final Unit unit;
        final String help;
        final Map<String, long[]> series = new TreeMap<>();

        Family(Type type, Unit unit, String help) {
            this.type = type;
            this.unit = unit;
            this.help = help;
        }
    }

    private final Map<String, Family> families = new TreeMap<>();

    /** Adds {@code value} to the counter or gauge sample of {@code labels} (label name → value). */
    void add(String name, Type type, Unit unit, String help, Map<String, String> labels, long value) {
        family(name, type, unit, help).series.computeIfAbsent(labels(labels), l -> new long[1])[0] += value;
    }

    /** Adds per-bucket counts ({@link LatencyBuckets}' layout) and a sum in nanoseconds to a histogram series. */
    void observe(String name, String help, Map<String, String> labels, long[] bucketCounts, long sumNanos) {
        long[] series = family(name, Type.HISTOGRAM, Unit.NANOS_AS_SECONDS, help).series
                .computeIfAbsent(labels(labels), l -> new long[LatencyBuckets.COUNT + 1]);
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            series[i] += bucketCounts[i];
        }
        series[LatencyBuckets.COUNT] += sumNanos;
    }

    private Family family(String name, Type type, Unit unit, String help) {
        Family family = families.computeIfAbsent(name, n -> new Family(type, unit, help));
        if (family.type != type || family.unit != unit) {
            throw new IllegalArgumentException(name + " is a " + family.type + ", not a " + type);
        }
        return family;
    }

    String render() {
        StringBuilder out = new StringBuilder(4096);
        families.forEach((name, family) -> {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(family.help)).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(family.type.name().toLowerCase(Locale.ROOT))
                    .append('\n');
            family.series.forEach((labels, values) -> {
                if (family.type == Type.HISTOGRAM) {
                    histogram(out, name, labels, values);
                } else {
                    sample(out, name, labels, family.unit == Unit.COUNT ? Long.toString(values[0]) : seconds(values[0]));
                }
            });
        });
        return out.toString();
    }

    private static void histogram(StringBuilder out, String name, String labels, long[] values) {
        long cumulative = 0;
        String prefix = labels.isEmpty() ? "" : labels + ",";
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            cumulative += values[i];
            sample(out, name + "_bucket", prefix + "le=\"" + number(LatencyBuckets.upperBoundSeconds(i)) + "\"",
                    Long.toString(cumulative));
        }
        sample(out, name + "_sum", labels, seconds(values[LatencyBuckets.COUNT]));
        sample(out, name + "_count", labels, Long.toString(cumulative));
    }

    private static void sample(StringBuilder out, String name, String labels, String value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    /** {@code a="x",b="y"}, names sorted, values escaped. */
    private static String labels(Map<String, String> labels) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(labels).forEach((name, value) -> {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(name).append("=\"").append(escapeLabelValue(value)).append('"');
        });
        return out.toString();
    }

    static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String seconds(long nanos) {
        return number(nanos / NANOS_PER_SECOND);
    }

    /** As Go's client writes floats: "1" not "1.0", "0.005", "+Inf". */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
