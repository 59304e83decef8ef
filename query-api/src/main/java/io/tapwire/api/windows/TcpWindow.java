package io.tapwire.api.windows;

import io.tapwire.schemas.derived.TcpMetric;

/**
 * TCP figures of one window (or of a run of windows) of one or more TCP series.
 *
 * @param activeWindowStartMs start of the window {@code activeConnections} comes from
 * @param activeConnections   connections open at the end of that window (a gauge)
 */
public record TcpWindow(long connects, long failedConnects, long retransmits, long bytesSent, long bytesReceived,
                        double rttSumSeconds, long rttSamples, long activeWindowStartMs, long activeConnections)
        implements WindowValue<TcpWindow> {

    public static final TcpWindow EMPTY = new TcpWindow(0, 0, 0, 0, 0, 0, 0, Long.MIN_VALUE, 0);

    public static TcpWindow of(TcpMetric metric) {
        return new TcpWindow(metric.getSuccessfulConnects(), metric.getFailedConnects(), metric.getRetransmits(),
                metric.getBytesSent(), metric.getBytesReceived(), metric.getRttSumSeconds(), metric.getRttSamples(),
                metric.getWindowStartEpochMs(), metric.getActiveConnections());
    }

    /** Counts add up; the connections open are the later window's. */
    @Override
    public TcpWindow followedBy(TcpWindow later) {
        boolean laterGauge = later.activeWindowStartMs >= activeWindowStartMs;
        return new TcpWindow(connects + later.connects, failedConnects + later.failedConnects,
                retransmits + later.retransmits, bytesSent + later.bytesSent, bytesReceived + later.bytesReceived,
                rttSumSeconds + later.rttSumSeconds, rttSamples + later.rttSamples,
                laterGauge ? later.activeWindowStartMs : activeWindowStartMs,
                laterGauge ? later.activeConnections : activeConnections);
    }

    /** The figures of two series over the same time together: everything adds up, the open connections too. */
    public TcpWindow plus(TcpWindow other) {
        return new TcpWindow(connects + other.connects, failedConnects + other.failedConnects,
                retransmits + other.retransmits, bytesSent + other.bytesSent, bytesReceived + other.bytesReceived,
                rttSumSeconds + other.rttSumSeconds, rttSamples + other.rttSamples,
                Math.max(activeWindowStartMs, other.activeWindowStartMs), activeConnections + other.activeConnections);
    }

    /** Mean smoothed RTT in milliseconds; null without samples. */
    public Double rttMs() {
        return rttSamples == 0 ? null : rttSumSeconds / rttSamples * 1000;
    }
}
