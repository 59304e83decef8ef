package io.tapwire.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import io.tapwire.api.BadParameterException;
import org.junit.jupiter.api.Test;

class TimeRangeTest {

    private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");

    @Test
    void defaultsToTheLast15Minutes() {
        TimeRange range = TimeRange.parse(null, null, NOW);

        assertThat(range.from()).isEqualTo(Instant.parse("2026-01-31T11:45:00Z"));
        assertThat(range.to()).isEqualTo(NOW);
        assertThat(range.seconds()).isEqualTo(900);
    }

    @Test
    void windowsBelongToTheRangeByTheirStartFromInclusiveToExclusive() {
        TimeRange range = TimeRange.parse("2026-01-31T11:00:00Z", "2026-01-31T11:01:00+00:00", NOW);

        assertThat(range.containsMs(Instant.parse("2026-01-31T11:00:00Z").toEpochMilli())).isTrue();
        assertThat(range.containsMs(Instant.parse("2026-01-31T11:00:59.999Z").toEpochMilli())).isTrue();
        assertThat(range.containsMs(Instant.parse("2026-01-31T11:01:00Z").toEpochMilli())).isFalse();
        assertThat(range.containsMs(Instant.parse("2026-01-31T10:59:59.999Z").toEpochMilli())).isFalse();
    }

    @Test
    void badTimesAre400sNamingTheParameter() {
        assertBad("from", () -> TimeRange.parse("2026-01-31T11:00:00Z", "2026-01-31T10:00:00Z", NOW), "after to");
        assertBad("from", () -> TimeRange.parse("2026-01-31T13:00:00Z", null, NOW), "in the future");
        assertBad("to", () -> TimeRange.parse(null, "2026-01-31T12:00:00", NOW), "ISO-8601");
        assertBad("from", () -> TimeRange.parse("-15m", null, NOW), "ISO-8601");
    }

    private static void assertBad(String parameter, Runnable parse, String message) {
        assertThatThrownBy(parse::run).isInstanceOf(BadParameterException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(((BadParameterException) e).parameter()).isEqualTo(parameter));
    }
}
