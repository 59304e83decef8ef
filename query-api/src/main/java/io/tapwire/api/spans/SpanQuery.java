package io.tapwire.api.spans;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.function.Predicate;

import io.tapwire.api.BadParameterException;
import io.tapwire.api.Protocol;
import io.tapwire.api.query.Parameters;
import io.tapwire.api.query.TimeRange;

/**
 * The parameters of {@code GET /api/v1/spans}, checked: each bad one is a {@link BadParameterException} naming it.
 *
 * @param minDurationNs spans shorter than this are left out (0: none)
 * @param from          earliest start, inclusive
 * @param to            latest start, inclusive
 */
public record SpanQuery(String service, Protocol protocol, String status, long minDurationNs, Instant from,
                        Instant to, int limit) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** Parses the raw query parameters (null when absent); {@code now} ends the default range. */
    public static SpanQuery parse(String service, String protocol, String status, String minDurationMs, String from,
                                  String to, String limit, Instant now) {
        TimeRange range = TimeRange.parse(from, to, now);
        return new SpanQuery(Parameters.optional("service", service), Protocol.parameter("protocol", protocol),
                Parameters.optional("status", status), minDuration(minDurationMs), range.from(), range.to(),
                Parameters.limit(limit, DEFAULT_LIMIT, MAX_LIMIT));
    }

    /** The span matches every given filter (the time range is the store's to apply). */
    public Predicate<Span> filter() {
        return span -> (service == null || service.equals(span.clientService()) || service.equals(span.serverService()))
                && (protocol == null || protocol.token().equals(span.protocol()))
                && (status == null || status.equals(span.status()))
                && span.durationNs() >= minDurationNs;
    }

    public long fromNs() {
        return new TimeRange(from, to).fromNs();
    }

    public long toNs() {
        return new TimeRange(from, to).toNs();
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
}
