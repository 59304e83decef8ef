package io.tapwire.api.query;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.tapwire.api.BadParameterException;

/**
 * The {@code from}/{@code to} of every {@code /api/v1} endpoint, checked: both optional (default: the last
 * {@link #DEFAULT_LENGTH} up to now, or up to {@code to}), ISO-8601 with a zone, {@code from} not after {@code to}.
 * The one parser of time parameters in the API.
 *
 * <p>Spans are searched by start time in {@code [from, to]}; metric windows belong to the range when their start is
 * in {@code [from, to)} ({@link #containsMs}), so that adjacent ranges never count a window twice.
 */
public record TimeRange(Instant from, Instant to) {

    public static final Duration DEFAULT_LENGTH = Duration.ofMinutes(15);

    /** The OpenAPI descriptions of the two parameters, the same on every endpoint. */
    public static final String FROM_DESCRIPTION = "Start of the range, ISO-8601 with a zone (e.g. "
            + "2026-01-31T12:00:00Z or 2026-01-31T13:00:00+01:00); default: 15 minutes before to";
    public static final String TO_DESCRIPTION = "End of the range, ISO-8601 with a zone; default: now. Metric "
            + "windows belong to [from, to) by their start, spans and events to [from, to] by their time";

    /** Parses the raw {@code from} and {@code to} parameters (null when absent); {@code now} ends the default range. */
    public static TimeRange parse(String from, String to, Instant now) {
        Instant end = to == null ? now : instant("to", to);
        Instant start = from == null ? end.minus(DEFAULT_LENGTH) : instant("from", from);
        if (from != null && to == null && start.isAfter(end)) {
            throw new BadParameterException("from", "from (" + from + ") is in the future; give to as well");
        }
        if (start.isAfter(end)) {
            throw new BadParameterException("from", "from (" + start + ") is after to (" + end + ")");
        }
        return new TimeRange(start, end);
    }

    public long fromNs() {
        return epochNanos(from);
    }

    public long toNs() {
        return epochNanos(to);
    }

    public long fromMs() {
        return epochMillis(from);
    }

    public long toMs() {
        return epochMillis(to);
    }

    /** Whether a window starting at {@code startMs} belongs to the range: {@code from <= start < to}. */
    public boolean containsMs(long startMs) {
        return startMs >= fromMs() && startMs < toMs();
    }

    /** The length of the range in seconds (0 for an empty range): what per-second rates divide by. */
    public double seconds() {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    /** Nanoseconds since the epoch, saturated: a time beyond 2262 (or before 1677) still compares right. */
    private static long epochNanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static long epochMillis(Instant instant) {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static Instant instant(String parameter, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw new BadParameterException(parameter, parameter + " must be an ISO-8601 time with a zone, e.g. "
                        + "2026-01-31T12:00:00Z or 2026-01-31T13:00:00%2B01:00, was '" + value + "'");
            }
        }
    }
}
