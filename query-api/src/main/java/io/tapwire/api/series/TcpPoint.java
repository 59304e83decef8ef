package io.tapwire.api.series;

import java.time.Instant;

import io.tapwire.api.windows.TcpWindow;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The TCP figures of one step of a TCP series. */
@Schema(name = "TcpPoint", description = "The TCP figures of one step of a TCP series")
public record TcpPoint(
        @Schema(description = "Start of the step, ISO-8601 UTC (a multiple of the step since the epoch)") String time,
        @Schema(description = "Connects that reached ESTABLISHED") long connects,
        @Schema(description = "Connects that failed") long failedConnects,
        @Schema(description = "Retransmitted segments") long retransmits,
        @Schema(description = "Connections open at the end of the step's latest window, summed over destinations")
        long activeConnections,
        @Schema(description = "Bytes sent by the client") long bytesSent,
        @Schema(description = "Bytes received by the client") long bytesReceived,
        @Schema(description = "Mean smoothed round-trip time, milliseconds; null without samples", nullable = true)
        Double rttMs) {

    static TcpPoint of(long startMs, TcpWindow tcp) {
        TcpWindow t = tcp == null ? TcpWindow.EMPTY : tcp;
        return new TcpPoint(Instant.ofEpochMilli(startMs).toString(), t.connects(), t.failedConnects(),
                t.retransmits(), t.activeConnections(), t.bytesSent(), t.bytesReceived(), t.rttMs());
    }
}
