package io.tapwire.api.spans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.tapwire.api.BadParameterException;
import io.tapwire.api.Protocol;
import org.junit.jupiter.api.Test;

class SpanQueryTest {

    private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");

    private static SpanQuery parse(String service, String protocol, String status, String minDurationMs, String from,
                                   String to, String limit) {
        return SpanQuery.parse(service, protocol, status, minDurationMs, from, to, limit, NOW);
    }

    @Test
    void defaultsToTheLast15MinutesAnd100Spans() {
        SpanQuery query = parse(null, null, null, null, null, null, null);

        assertThat(query.from()).isEqualTo(Instant.parse("2026-01-31T11:45:00Z"));
        assertThat(query.to()).isEqualTo(NOW);
        assertThat(query.limit()).isEqualTo(100);
        assertThat(query.minDurationNs()).isZero();
    }

    @Test
    void aRangeGivenByToAloneEnds15MinutesAfterItsStart() {
        SpanQuery query = parse(null, null, null, null, null, "2026-01-31T10:00:00Z", null);

        assertThat(query.from()).isEqualTo(Instant.parse("2026-01-31T09:45:00Z"));
    }

    @Test
    void readsTimesWithAnOffsetDurationsInFractionsOfMillisecondsAndKnownProtocols() {
        SpanQuery query = parse("/k8s/shop/api", "postgres", "failed", "0.25", "2026-01-31T12:30:00+01:00",
                "2026-01-31T11:50:00Z", "1000");

        assertThat(query.from()).isEqualTo(Instant.parse("2026-01-31T11:30:00Z"));
        assertThat(query.protocol()).isEqualTo(Protocol.POSTGRES);
        assertThat(query.minDurationNs()).isEqualTo(250_000);
        assertThat(query.limit()).isEqualTo(1000);
        assertThat(query.filter().test(new Span("client", "/k8s/shop/api", "/k8s/shop/db", "10.0.0.2:5432",
                "postgres", "SELECT", "SELECT 1", "failed", true, 0, 300_000))).isTrue();
        assertThat(query.filter().test(new Span("server", "/k8s/shop/web", "/k8s/shop/api", "10.0.0.2:5432",
                "postgres", "SELECT", "SELECT 1", "failed", true, 0, 200_000))).as("too short").isFalse();
    }

    @Test
    void fromAfterToIsRejectedNamingFrom() {
        assertBad("from", () -> parse(null, null, null, null, "2026-01-31T11:00:00Z", "2026-01-31T10:00:00Z", null));
        assertBad("from", () -> parse(null, null, null, null, "2026-01-31T13:00:00Z", null, null));
    }

    @Test
    void malformedParametersAreRejectedNamingThem() {
        assertBad("from", () -> parse(null, null, null, null, "yesterday", null, null));
        assertBad("to", () -> parse(null, null, null, null, null, "2026-01-31 12:00", null));
        assertBad("to", () -> parse(null, null, null, null, null, "2026-01-31T12:00:00", null));
        assertBad("protocol", () -> parse(null, "smtp", null, null, null, null, null));
        assertBad("protocol", () -> parse(null, "HTTP", null, null, null, null, null));
        assertBad("minDurationMs", () -> parse(null, null, null, "fast", null, null, null));
        assertBad("minDurationMs", () -> parse(null, null, null, "-1", null, null, null));
        assertBad("minDurationMs", () -> parse(null, null, null, "NaN", null, null, null));
        assertBad("limit", () -> parse(null, null, null, null, null, null, "0"));
        assertBad("limit", () -> parse(null, null, null, null, null, null, "1001"));
        assertBad("limit", () -> parse(null, null, null, null, null, null, "ten"));
        assertBad("service", () -> parse(" ", null, null, null, null, null, null));
    }

    @Test
    void timesBeyondTheNanosecondRangeStillCompare() {
        SpanQuery query = parse(null, null, null, null, "1000-01-01T00:00:00Z", "3000-01-01T00:00:00Z", null);

        assertThat(query.fromNs()).isEqualTo(Long.MIN_VALUE);
        assertThat(query.toNs()).isEqualTo(Long.MAX_VALUE);
    }

    private static void assertBad(String parameter, Runnable parse) {
        assertThatThrownBy(parse::run).isInstanceOf(BadParameterException.class)
                .satisfies(e -> assertThat(((BadParameterException) e).parameter()).isEqualTo(parameter))
                .hasMessageContaining(parameter);
    }
}
