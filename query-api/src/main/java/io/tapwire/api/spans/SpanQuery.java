package io.tapwire.api.spans;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.tapwire.api.BadParameterException;
import io.tapwire.api.Protocol;

/**
 * The parameters of {@code GET /api/v1/spans}, checked: each bad one is a {@link BadParameterException} naming it.
 *
 * @param minDurationNs spans shorter than this are left out (0: none)
 * @param from          earliest start, inclusive
 * @param to            latest start, inclusive
 */
public record SpanQuery(String service, Protocol protocol, String status, long minDurationNs, Instant from,
                        Instant to, int limit) {

    public static final Duration DEFAULT_RANGE = Duration.ofMinutes(15);
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** Parses the raw query parameters (null when absent); {@code now} ends the default range. */
    public static SpanQuery parse(String service, String protocol, String status, String minDurationMs, String from,
                                  String to, String limit, Instant now) {
        Instant end = to == null ? now : instant("to", to);
        Instant start = from == null ? end.minus(DEFAULT_RANGE) : instant("from", from);
        if (from != null && to == null && start.isAfter(end)) {
            throw new BadParameterException("from", "from (" + from + ") is in the future; give to as well");
        }
        if (start.isAfter(end)) {
            throw new BadParameterException("from", "from (" + start + ") is after to (" + end + ")");
        }
        return new SpanQuery(blankToNull("service", service), protocol(protocol), blankToNull("status", status),
                minDuration(minDurationMs), start, end, limit(limit));
    }

    /** The span matches every given filter (the time range is the store's to apply). */
    public Predicate<Span> filter() {
        return span -> (service == null || service.equals(span.clientService()) || service.equals(span.serverService()))
                && (protocol == null || protocol.token().equals(span.protocol()))
                && (status == null || status.equals(span.status()))
                && span.durationNs() >= minDurationNs;
    }

    public long fromNs() {
        return epochNanos(from);
    }

    public long toNs() {
        return epochNanos(to);
    }

    /** Nanoseconds since the epoch, saturated: a time beyond 2262 (or before 1677) still compares right. */
    private static long epochNanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
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

    private static String blankToNull(String parameter, String value) {
        if (value != null && value.isBlank()) {
            throw new BadParameterException(parameter, parameter + " is empty; leave it out to match every span");
        }
        return value;
    }

    private static Protocol protocol(String token) {
        if (token == null) {
            return null;
        }
        return Protocol.byToken(token).orElseThrow(() -> new BadParameterException("protocol",
                "protocol must be one of " + Arrays.stream(Protocol.values()).map(Protocol::token)
                        .collect(Collectors.joining(", ")) + ", was '" + token + "'"));
    }

    private static long minDuration(String value) {
        if (value == null) {
            return 0;
        }
        BigDecimal ms;
        try {
            ms = new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new BadParameterException("minDurationMs", "minDurationMs must be a number of milliseconds, e.g. 250 "
                    + "or 0.5, was '" + value + "'");
        }
        if (ms.signum() < 0 || ms.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000)) > 0) {
            throw new BadParameterException("minDurationMs", "minDurationMs must be between 0 and "
                    + Long.MAX_VALUE / 1_000_000 + ", was '" + value + "'");
        }
        return ms.movePointRight(6).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadParameterException("limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ", was '"
                    + value + "'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadParameterException("limit", "limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
        }
        return limit;
    }
}
