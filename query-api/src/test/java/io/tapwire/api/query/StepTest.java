package io.tapwire.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import io.tapwire.api.BadParameterException;
import org.junit.jupiter.api.Test;

class StepTest {

    private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");

    private static TimeRange last(Duration length) {
        return new TimeRange(NOW.minus(length), NOW);
    }

    @Test
    void theDefaultGivesAtMost120Points() {
        assertThat(Step.parse(null, last(Duration.ofMinutes(15))).toString()).isEqualTo("PT10S");
        assertThat(Step.parse(null, last(Duration.ofHours(1))).toString()).isEqualTo("PT30S");
        assertThat(Step.parse(null, last(Duration.ofHours(2))).toString()).isEqualTo("PT1M");
        assertThat(Step.parse(null, last(Duration.ofHours(24))).toString()).isEqualTo("PT15M");
        assertThat(Step.parse(null, last(Duration.ofDays(7))).toString()).isEqualTo("PT3H");
        assertThat(Step.parse(null, last(Duration.ofDays(1000))).points(last(Duration.ofDays(1000)))).isLessThanOrEqualTo(120);
    }

    @Test
    void readsShortFormsAndIso8601() {
        TimeRange range = last(Duration.ofHours(1));
        assertThat(Step.parse("30s", range).length()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Step.parse("1m", range).length()).isEqualTo(Duration.ofMinutes(1));
        assertThat(Step.parse("2h", range).length()).isEqualTo(Duration.ofHours(2));
        assertThat(Step.parse("1d", range).length()).isEqualTo(Duration.ofDays(1));
        assertThat(Step.parse("PT5M", range).length()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void pointsAreMultiplesOfTheStepSinceTheEpochCoveringTheRange() {
        TimeRange range = new TimeRange(Instant.parse("2026-01-31T12:00:30Z"), Instant.parse("2026-01-31T12:03:00Z"));
        Step step = Step.parse("1m", range);

        assertThat(step.points(range)).isEqualTo(3);
        assertThat(step.everyPoint(range, Instant::ofEpochMilli)).containsExactly(
                Instant.parse("2026-01-31T12:00:00Z"), Instant.parse("2026-01-31T12:01:00Z"),
                Instant.parse("2026-01-31T12:02:00Z"));
        assertThat(step.pointStartMs(Instant.parse("2026-01-31T12:01:59.999Z").toEpochMilli()))
                .isEqualTo(Instant.parse("2026-01-31T12:01:00Z").toEpochMilli());
    }

    @Test
    void badStepsAre400sNamingStep() {
        TimeRange range = last(Duration.ofHours(1));
        assertBad(() -> Step.parse("fast", range), "'fast'");
        assertBad(() -> Step.parse("1y", range), "'1y'");
        assertBad(() -> Step.parse("500ms", range), "at least 1s");
        assertBad(() -> Step.parse("PT-5S", range), "at least 1s");
        assertBad(() -> Step.parse("0s", range), "at least 1s");
        assertBad(() -> Step.parse("1s", last(Duration.ofDays(1))), "at most 11000");
    }

    private static void assertBad(Runnable parse, String message) {
        assertThatThrownBy(parse::run).isInstanceOf(BadParameterException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((BadParameterException) e).parameter()).isEqualTo("step"));
    }
}
