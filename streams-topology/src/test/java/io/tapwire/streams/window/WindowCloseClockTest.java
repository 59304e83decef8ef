package io.tapwire.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

class WindowCloseClockTest {

    private final WindowCloseClock clock =
            new WindowCloseClock(new TumblingWindows(Duration.ofSeconds(10), Duration.ofSeconds(30)));

    @Test
    void itTicksOncePerSecondOfRecordTimeAndClosesByTheGatesRule() {
        assertThat(clock.advance(45_000)).as("the first record").isTrue();
        assertThat(clock.closeBoundary()).isEqualTo(OptionalLong.of(10_000));
        assertThat(clock.isClosed(0)).isTrue();
        assertThat(clock.isClosed(10_000)).isFalse();

        assertThat(clock.advance(45_999)).isFalse();
        assertThat(clock.advance(30_000)).as("an older record moves nothing").isFalse();
        assertThat(clock.advance(46_000)).isTrue();
        assertThat(clock.closeBoundary()).as("the same boundary is not closed twice").isEmpty();

        assertThat(clock.advance(50_000)).isTrue();
        assertThat(clock.closeBoundary()).isEqualTo(OptionalLong.of(20_000));
        assertThat(clock.isClosed(10_000)).isTrue();
        assertThat(clock.finalTimestamp(10_000)).isEqualTo(19_999);
    }
}
