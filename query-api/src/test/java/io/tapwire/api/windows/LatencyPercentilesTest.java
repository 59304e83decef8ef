package io.tapwire.api.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tapwire.api.counters.LatencyBuckets;
import org.junit.jupiter.api.Test;

class LatencyPercentilesTest {

    @Test
    void noRequestsHaveNoPercentiles() {
        assertThat(LatencyPercentiles.of(new long[LatencyBuckets.COUNT])).isNull();
    }

    @Test
    void interpolatesLinearlyWithinTheBucketHoldingTheRank() {
        long[] counts = new long[LatencyBuckets.COUNT];
        counts[0] = 50;  // (0, 5 ms]
        counts[1] = 40;  // (5, 10 ms]
        counts[4] = 10;  // (50, 100 ms]

        LatencyPercentiles p = LatencyPercentiles.of(counts);

        // rank 50 is the last of the first bucket: its upper bound
        assertThat(p.p50()).isCloseTo(5.0, within(1e-9));
        // rank 95 is the 5th of 10 in (50, 100]: half way
        assertThat(p.p95()).isCloseTo(75.0, within(1e-9));
        // rank 99 is the 9th of 10
        assertThat(p.p99()).isCloseTo(95.0, within(1e-9));
    }

    @Test
    void theFirstBucketStartsAtZero() {
        long[] counts = new long[LatencyBuckets.COUNT];
        counts[0] = 4;

        assertThat(LatencyPercentiles.of(counts).p50()).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void aRankBeyondTheLastFiniteBoundIsThatBound() {
        long[] counts = new long[LatencyBuckets.COUNT];
        counts[0] = 90;
        counts[LatencyBuckets.COUNT - 1] = 10;

        LatencyPercentiles p = LatencyPercentiles.of(counts);

        assertThat(p.p95()).isEqualTo(10_000.0);
        assertThat(p.p99()).isEqualTo(10_000.0);
    }

    @Test
    void matchesTheWindowsBuiltFromLatencies() {
        L7Window window = Windows.l7(0, 0.001, 0.002, 0.003, 0.2);

        LatencyPercentiles p = LatencyPercentiles.of(window.bucketCounts());

        assertThat(p.p50()).isEqualTo(3.333);  // rank 2, the 2nd of 3 in (0, 5 ms], to four significant digits
        assertThat(p.p99()).isCloseTo(100 + 150 * 0.96, within(1e-9));  // rank 3.96, 0.96 of 1 in (100, 250 ms]
    }
}
