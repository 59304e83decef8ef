package io.tapwire.api.counters;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

    @Test
    void countsWrittenWithTheDefaultBoundsAddBucketByBucket() {
        long[] into = new long[LatencyBuckets.COUNT];
        LatencyBuckets.add(List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
                List.of(1L, 2L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 3L), into);

        assertThat(into).containsExactly(1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3);
    }

    @Test
    void countsWrittenWithOtherBoundsGoToTheFirstBucketNotBelowTheirBound() {
        long[] into = new long[LatencyBuckets.COUNT];
        LatencyBuckets.add(List.of(0.001, 0.02, 20.0), List.of(1L, 2L, 3L, 4L), into);

        assertThat(into).containsExactly(1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 7);
    }

    @Test
    void anEmptyHistogramAddsNothing() {
        long[] into = new long[LatencyBuckets.COUNT];
        LatencyBuckets.add(List.of(), List.of(), into);

        assertThat(into).containsOnly(0);
    }
}
