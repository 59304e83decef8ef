package io.tapwire.api.windows;

import io.tapwire.schemas.derived.TcpMetric;

/**
 * TCP figures of one window (or of a run of windows) of one or more TCP series.
 *
 * @param rttSumNanos         sum of the smoothed RTT samples (an integer, so that running totals subtract exactly)
 * @param activeWindowStartMs start of the window {@code activeConnections} comes from
 * @param activeConnections   connections open at the end of that window (a gauge)
 */
public record TcpWindow(long connects, long failedConnects, long retransmits, long bytesSent, long bytesReceived,
                        long rttSumNanos, long rttSamples, long activeWindowStartMs, long activeConnections)
        implements WindowValue<TcpWindow> {

    public static final TcpWindow EMPTY = new TcpWindow(0, 0, 0, 0, 0, 0, 0, Long.MIN_VALUE, 0);

    public static TcpWindow of(TcpMetric metric) {
        return new TcpWindow(metric.getSuccessfulConnects(), metric.getFailedConnects(), metric.getRetransmits(),
                metric.getBytesSent(), metric.getBytesReceived(), Math.round(metric.getRttSumSeconds() * 1e9),
                metric.getRttSamples(), metric.getWindowStartEpochMs(), metric.getActiveConnections());
    }

    /** Counts add up; the connections open are the later window's. */
    @Override
    public TcpWindow followedBy(TcpWindow later) {
        boolean laterGauge = later.activeWindowStartMs >= activeWindowStartMs;
        return new TcpWindow(connects + later.connects, failedConnects + later.failedConnects,
                retransmits + later.retransmits, bytesSent + later.bytesSent, bytesReceived + later.bytesReceived,
                rttSumNanos + later.rttSumNanos, rttSamples + later.rttSamples,
                laterGauge ? later.activeWindowStartMs : activeWindowStartMs,
                laterGauge ? later.activeConnections : activeConnections);
    }

    /** Counts subtract; the connections open stay this run's, its latest window's. */
    @Override
    public TcpWindow after(TcpWindow prefix) {
        return new TcpWindow(connects - prefix.connects, failedConnects - prefix.failedConnects,
                retransmits - prefix.retransmits, bytesSent - prefix.bytesSent, bytesReceived - prefix.bytesReceived,
                rttSumNanos - prefix.rttSumNanos, rttSamples - prefix.rttSamples, activeWindowStartMs,
                activeConnections);
    }

    /** The figures of two series over the same time together: everything adds up, the open connections too. */
    public TcpWindow plus(TcpWindow other) {
        return new TcpWindow(connects + other.connects, failedConnects + other.failedConnects,
                retransmits + other.retransmits, bytesSent + other.bytesSent, bytesReceived + other.bytesReceived,
                rttSumNanos + other.rttSumNanos, rttSamples + other.rttSamples,
                Math.max(activeWindowStartMs, other.activeWindowStartMs), activeConnections + other.activeConnections);
    }

    /** Mean smoothed RTT in milliseconds; null without samples. */
    public Double rttMs() {
        return rttSamples == 0 ? null : rttSumNanos / 1e6 / rttSamples;
    }
}
