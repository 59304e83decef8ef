package io.tapwire.collector.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClockOffsetTest {

    @Test
    void kernelMonotonicTimeConvertsToTheWallClock() {
        ClockOffset clock = ClockOffset.measure();
        long monotonic = System.nanoTime();
        long wallMs = System.currentTimeMillis();
        assertThat(clock.toEpochNs(monotonic) / 1_000_000L).isCloseTo(wallMs, within(50L));
        assertThat(clock.remeasure()).isCloseTo(clock.offsetNs(), within(50_000_000L));
    }
}
