package io.tapwire.api.services;

import io.tapwire.api.query.Rounding;
import io.tapwire.api.windows.TcpWindow;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** TCP figures of an edge over a range, from tapwire.tcp.metrics.v1 (each connection counted once). */
@Schema(name = "EdgeTcp", description = "TCP figures of the edge over the range, from tapwire.tcp.metrics.v1 "
        + "(each connection counted once)")
public record TcpView(
        @Schema(description = "Connects that reached ESTABLISHED") long connects,
        @Schema(description = "Connects that failed") long failedConnects,
        @Schema(description = "Retransmitted segments") long retransmits,
        @Schema(description = "Connections open at the end of the latest window in the range, summed over the "
                + "edge's destinations") long activeConnections,
        @Schema(description = "Mean smoothed round-trip time, milliseconds, four significant digits; null without samples", nullable = true)
        Double rttMs,
        @Schema(description = "Bytes sent by the client") long bytesSent,
        @Schema(description = "Bytes received by the client") long bytesReceived) {

    /** The RTT to {@link Rounding#DIGITS} significant digits. */
    public TcpView {
        rttMs = rttMs == null ? null : Rounding.significant(rttMs);
    }

    static TcpView of(TcpWindow tcp) {
        TcpWindow t = tcp == null ? TcpWindow.EMPTY : tcp;
        return new TcpView(t.connects(), t.failedConnects(), t.retransmits(), t.activeConnections(), t.rttMs(),
                t.bytesSent(), t.bytesReceived());
    }
}
