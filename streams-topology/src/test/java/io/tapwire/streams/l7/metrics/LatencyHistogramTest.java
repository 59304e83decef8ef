package io.tapwire.streams.l7.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void theBucketsArePrometheusDefaultsThenInf() {
        double[] bounds = new double[LatencyHistogram.BUCKETS];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = LatencyHistogram.upperBoundSeconds(i);
        }
        assertThat(bounds).containsExactly(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
                Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> LatencyHistogram.upperBoundSeconds(12))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aDurationEqualToABoundCountsInThatBucket() {
        assertThat(bucketOf(5 * MS)).isEqualTo(0);
        assertThat(bucketOf(5 * MS + 1)).isEqualTo(1);
        assertThat(bucketOf(0)).isEqualTo(0);
        assertThat(bucketOf(1)).isEqualTo(0);
        assertThat(bucketOf(250 * MS)).isEqualTo(5);
        assertThat(bucketOf(S)).isEqualTo(7);
        assertThat(bucketOf(10 * S)).isEqualTo(10);
        assertThat(bucketOf(10 * S + 1)).isEqualTo(11);
        assertThat(bucketOf(Long.MAX_VALUE)).isEqualTo(11);
        assertThat(bucketOf(-3)).as("a negative duration counts as 0").isEqualTo(0);
    }

    @Test
    void theSumIsExactInNanosecondsAndReadInSeconds() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(1_500 * MS);
        histogram.record(2 * MS);
        histogram.record(1);
        histogram.record(-5);

        assertThat(histogram.count()).isEqualTo(4);
        assertThat(histogram.sumNanos()).isEqualTo(1_502_000_001L);
        assertThat(histogram.sumSeconds()).isEqualTo(1.502000001);
    }

    @Test
    void aHugeSumSaturatesInsteadOfWrapping() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(Long.MAX_VALUE);
        histogram.record(Long.MAX_VALUE);

        assertThat(histogram.count()).isEqualTo(2);
        assertThat(histogram.bucketCount(11)).isEqualTo(2);
        assertThat(histogram.sumNanos()).isEqualTo(Long.MAX_VALUE);

        LatencyHistogram other = new LatencyHistogram();
        other.record(S);
        histogram.merge(other);
        assertThat(histogram.sumNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void countsArePerBucketAndTheCumulativeViewIsTheExpositions() {
        LatencyHistogram histogram = sample();

        assertThat(histogram.bucketCount(0)).isEqualTo(50);
        assertThat(histogram.bucketCount(1)).isZero();
        assertThat(histogram.bucketCount(2)).isEqualTo(30);
        assertThat(histogram.bucketCount(5)).isEqualTo(15);
        assertThat(histogram.bucketCount(11)).isEqualTo(5);
        assertThat(histogram.cumulativeCounts()).containsExactly(50, 50, 80, 80, 80, 95, 95, 95, 95, 95, 95, 100);
        assertThat(histogram.cumulativeCount(5)).isEqualTo(95);
        assertThat(histogram.cumulativeCount(11)).isEqualTo(histogram.count()).isEqualTo(100);
    }

    @Test
    void mergingAddsBucketsCountsAndSumsInAnyOrder() {
        long[] first = {3 * MS, 5 * MS, 70 * MS, 12 * S};
        long[] second = {5 * MS + 1, 700 * MS, 0};
        LatencyHistogram a = histogramOf(first);
        LatencyHistogram b = histogramOf(second);
        LatencyHistogram all = histogramOf(first);
        for (long duration : second) {
            all.record(duration);
        }

        LatencyHistogram ab = histogramOf(first);
        ab.merge(b);
        LatencyHistogram ba = histogramOf(second);
        ba.merge(a);

        assertThat(ab).isEqualTo(all).isEqualTo(ba);
        assertThat(ab.count()).isEqualTo(7);
        assertThat(ab.cumulativeCounts()).containsExactly(3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7);
        assertThat(ab.sumNanos()).isEqualTo(12_783 * MS + 1);
    }

    @Test
    void quantilesInterpolateWithinTheirBucketAsHistogramQuantileDoes() {
        LatencyHistogram histogram = sample();

        // rank 50 is the 50th record of bucket 0 (50 records, 0–5 ms): its top.
        assertThat(histogram.quantile(0.5)).isEqualTo(0.005);
        // rank 25: half way into bucket 0.
        assertThat(histogram.quantile(0.25)).isEqualTo(0.0025);
        // rank 60: the 10th of 30 records in bucket 2 (10–25 ms): 10 + 15 × 10/30 ms.
        assertThat(histogram.quantile(0.6)).isCloseTo(0.015, within(1e-15));
        // rank 90: the 10th of 15 records in bucket 5 (100–250 ms): 100 + 150 × 10/15 ms.
        assertThat(histogram.quantile(0.9)).isCloseTo(0.2, within(1e-15));
        // rank 95: the last record of bucket 5.
        assertThat(histogram.quantile(0.95)).isCloseTo(0.25, within(1e-15));
        // rank 99 is in +Inf: the highest finite bound.
        assertThat(histogram.quantile(0.99)).isEqualTo(10.0);
        assertThat(histogram.quantile(1)).isEqualTo(10.0);
        assertThat(histogram.quantile(0)).isEqualTo(0.0);
    }

    @Test
    void quantileEdgeCasesFollowPrometheus() {
        assertThat(new LatencyHistogram().quantile(0.5)).isNaN();

        LatencyHistogram slow = histogramOf(200 * MS, 200 * MS, 200 * MS, 200 * MS);
        assertThat(slow.quantile(1)).as("the top of the highest bucket with records")
                .isCloseTo(0.25, within(1e-15));
        assertThat(slow.quantile(0.5)).isCloseTo(0.175, within(1e-15));
        assertThat(slow.quantile(0)).as("rank 0 in an empty first bucket").isNaN();
        assertThat(slow.quantile(Double.NaN)).isNaN();
        assertThat(slow.quantile(-0.1)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(slow.quantile(1.1)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void theStateReadsBackAsItWas() throws IOException {
        LatencyHistogram histogram = sample();
        byte[] state = write(histogram);
        LatencyHistogram restored = read(state);

        assertThat(restored).isEqualTo(histogram);
        assertThat(restored.count()).isEqualTo(100);
        assertThat(restored.sumNanos()).isEqualTo(histogram.sumNanos());
        assertThat(write(restored)).isEqualTo(state);
        assertThat(read(write(new LatencyHistogram())).isEmpty()).isTrue();
    }

    @Test
    void aStateOfAnotherVersionOrWithNegativeCountsIsRefused() throws IOException {
        byte[] state = write(sample());
        state[3] = 9;
        assertThatThrownBy(() -> read(state)).isInstanceOf(IOException.class).hasMessageContaining("version 9");

        byte[] negative = write(sample());
        negative[4] = (byte) 0xff;
        assertThatThrownBy(() -> read(negative)).isInstanceOf(IOException.class).hasMessageContaining("bucket 0");
    }

    @Test
    void theBucketCountsAndSumMakeTheSameHistogramAgain() {
        LatencyHistogram original = sample();
        LatencyHistogram again = LatencyHistogram.of(original.bucketCounts(), original.sumNanos());

        assertThat(again).isEqualTo(original);
        assertThat(again.count()).isEqualTo(original.count());
        assertThat(LatencyHistogram.of(new long[0], 0).isEmpty()).isTrue();
        assertThatThrownBy(() -> LatencyHistogram.of(new long[3], 0)).isInstanceOf(IllegalArgumentException.class);
        long[] negative = new long[LatencyHistogram.BUCKETS];
        negative[2] = -1;
        assertThatThrownBy(() -> LatencyHistogram.of(negative, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** 50 × 3 ms, 30 × 20 ms, 15 × 200 ms, 5 × 20 s. */
    private static LatencyHistogram sample() {
        LatencyHistogram histogram = new LatencyHistogram();
        record(histogram, 50, 3 * MS);
        record(histogram, 30, 20 * MS);
        record(histogram, 15, 200 * MS);
        record(histogram, 5, 20 * S);
        return histogram;
    }

    private static void record(LatencyHistogram histogram, int times, long duration) {
        for (int i = 0; i < times; i++) {
            histogram.record(duration);
        }
    }

    private static LatencyHistogram histogramOf(long... durations) {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long duration : durations) {
            histogram.record(duration);
        }
        return histogram;
    }

    private static int bucketOf(long duration) {
        LatencyHistogram histogram = histogramOf(duration);
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            if (histogram.bucketCount(i) == 1) {
                return i;
            }
        }
        throw new AssertionError("no bucket counted " + duration);
    }

    private static byte[] write(LatencyHistogram histogram) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        histogram.writeState(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static LatencyHistogram read(byte[] state) throws IOException {
        return LatencyHistogram.readState(new DataInputStream(new ByteArrayInputStream(state)));
    }
}
