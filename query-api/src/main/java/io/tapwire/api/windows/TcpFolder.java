package io.tapwire.api.windows;

import java.util.function.LongUnaryOperator;

/**
 * Folds the windows a scan visits into one total per TCP series and bucket of time (the whole range, or one point of
 * a time series) and hands each total on when its series or bucket ends. A scan visits a series' windows oldest first,
 * so a total's open connections are those of its latest window. Call {@link #finish()} after the scan.
 */
public final class TcpFolder implements WindowStore.Visitor<TcpSeries, TcpWindow> {

    /** Receives the total of one series in one bucket. */
    @FunctionalInterface
    public interface Totals {
        void accept(TcpSeries series, long bucketStartMs, TcpWindow total);
    }

    private final LongUnaryOperator bucketOf;
    private final Totals totals;
    private TcpSeries series;
    private long bucket;
    private TcpWindow total;

    /** @param bucketOf the start of the bucket a window starting at the argument belongs to */
    public TcpFolder(LongUnaryOperator bucketOf, Totals totals) {
        this.bucketOf = bucketOf;
        this.totals = totals;
    }

    @Override
    public void visit(TcpSeries key, long startMs, TcpWindow window) {
        long windowBucket = bucketOf.applyAsLong(startMs);
        if (key != series || windowBucket != bucket) {
            finish();
            series = key;
            bucket = windowBucket;
        }
        total = total == null ? window : total.followedBy(window);
    }

    public void finish() {
        if (series != null && total != null) {
            totals.accept(series, bucket, total);
        }
        series = null;
        total = null;
    }
}
