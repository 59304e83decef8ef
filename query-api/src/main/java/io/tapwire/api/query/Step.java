package io.tapwire.api.query;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tapwire.api.BadParameterException;

/**
 * The {@code step} of a time series: an ISO-8601 duration ({@code PT30S}) or a short form ({@code 30s}, {@code 1m},
 * {@code 2h}, {@code 1d}); by default the smallest of {@link #DEFAULT_CHOICES} that gives the range at most
 * {@link #DEFAULT_MAX_POINTS} points. Points are aligned to multiples of the step since the epoch, so that two
 * queries with the same step put a window in the same point.
 */
public record Step(Duration length) {

    public static final int DEFAULT_MAX_POINTS = 120;
    /** More points than this in one series is refused: the answer would be larger than any chart can show. */
    public static final int MAX_POINTS = 11_000;
    public static final Duration MIN = Duration.ofSeconds(1);

    private static final List<Duration> DEFAULT_CHOICES = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12),
            Duration.ofDays(1));
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    /** Parses the raw {@code step} parameter (null when absent) for {@code range}. */
    public static Step parse(String value, TimeRange range) {
        if (value == null) {
            return defaultFor(range);
        }
        Duration length = duration(value.trim());
        if (length.compareTo(MIN) < 0) {
            throw new BadParameterException("step", "step must be at least " + MIN.toSeconds() + "s, was '" + value
                    + "'");
        }
        Step step = new Step(length);
        if (step.points(range) > MAX_POINTS) {
            throw new BadParameterException("step", "step '" + value + "' gives " + step.points(range)
                    + " points over the range; at most " + MAX_POINTS + " (use a longer step or a shorter range)");
        }
        return step;
    }

    static Step defaultFor(TimeRange range) {
        for (Duration choice : DEFAULT_CHOICES) {
            Step step = new Step(choice);
            if (step.points(range) <= DEFAULT_MAX_POINTS) {
                return step;
            }
        }
        // Ranges of more than 120 days: whole days, as many as needed.
        long days = Math.max(1, -Math.floorDiv(-Duration.between(range.from(), range.to()).toDays(),
                DEFAULT_MAX_POINTS));
        return new Step(Duration.ofDays(days));
    }

    public long millis() {
        return length.toMillis();
    }

    /** Start of the point a window starting at {@code startMs} belongs to. */
    public long pointStartMs(long startMs) {
        return Math.floorDiv(startMs, millis()) * millis();
    }

    /** The number of points covering the range: from the point holding {@code from} to the one holding {@code to}. */
    public long points(TimeRange range) {
        if (!range.from().isBefore(range.to())) {
            return 0;
        }
        return (pointStartMs(range.toMs() - 1) - pointStartMs(range.fromMs())) / millis() + 1;
    }

    /** One value per point of the range, oldest first: {@code point} gets each point's start. */
    public <P> List<P> everyPoint(TimeRange range, LongFunction<P> point) {
        List<P> points = new ArrayList<>((int) points(range));
        if (points(range) == 0) {
            return points;
        }
        for (long t = pointStartMs(range.fromMs()); t < range.toMs(); t += millis()) {
            points.add(point.apply(t));
        }
        return points;
    }

    /** ISO-8601, as the answers show it: {@code PT1M}. */
    @Override
    public String toString() {
        return length.toString();
    }

    private static Duration duration(String value) {
        Matcher m = SHORT.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadParameterException("step", "step must be a duration such as 30s, 1m, 1h, 1d or ISO-8601 "
                    + "PT30S, was '" + value + "'");
        }
    }
}
