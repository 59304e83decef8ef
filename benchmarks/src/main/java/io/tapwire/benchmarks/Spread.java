package io.tapwire.benchmarks;

import java.util.List;

/** The median of a few runs and their range, as printed: "6.70 (5.90–7.20)". */
record Spread(double median, double min, double max) {

    static Spread of(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
        if (sorted.isEmpty()) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN);
        }
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.get(0), sorted.get(n - 1));
    }

    /** {@code format} for one number, e.g. "%.2f". */
    String format(String format) {
        return String.format(format + " (" + format + "–" + format + ")", median, min, max);
    }
}
