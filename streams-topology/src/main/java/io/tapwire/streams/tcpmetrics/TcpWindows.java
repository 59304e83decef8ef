package io.tapwire.streams.tcpmetrics;

import io.tapwire.streams.connections.ConnectionResolver;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.TcpWindow;
import io.tapwire.streams.window.PartialRules;

/**
 * The figures of one series in one window ({@link TcpWindow}), as both steps of the aggregation keep them: the
 * resolver task's partials add connection changes ({@link #PARTIALS}), the series task's windows add partials
 * ({@link TcpWindowAggregator}).
 */
final class TcpWindows {

    /** How the resolver task's partials' step counts connection changes. */
    static final PartialRules<SocketChange, TcpWindow> PARTIALS = new PartialRules<>() {
        @Override
        public String seriesKey(SocketChange change) {
            return TcpMetrics.seriesKey(change);
        }

        @Override
        public TcpWindow open(SocketChange change, long windowStartMs) {
            return TcpWindow.newBuilder().setWindowStartEpochMs(windowStartMs)
                    .setClientService(change.getClientService()).setDestination(change.getDestination())
                    .setServerService(change.getServerService()).build();
        }

        @Override
        public long windowStart(TcpWindow partial) {
            return partial.getWindowStartEpochMs();
        }

        @Override
        public void add(TcpWindow partial, SocketChange change) {
            TcpWindows.add(partial, change);
        }

        @Override
        public boolean isHeartbeat(String key, SocketChange change) {
            return ConnectionTracker.isHeartbeat(change);
        }
    };

    private TcpWindows() {
    }

    static void add(TcpWindow window, SocketChange change) {
        if (ConnectionResolver.isConnect(change)) {
            window.setSuccessfulConnects(window.getSuccessfulConnects() + 1);
            if (change.getHandshakeNs() != null) {
                window.setConnectTimeSumSeconds(window.getConnectTimeSumSeconds() + change.getHandshakeNs() / 1e9);
            }
        }
        if (change.getFailedConnect()) {
            window.setFailedConnects(window.getFailedConnects() + 1);
        }
        window.setNetOpened(window.getNetOpened() + change.getActiveDelta());
        if (change.getClosedAtEpochNs() != null) {
            window.setClosedConnections(window.getClosedConnections() + 1);
            if (change.getOpenedAtEpochNs() != null) {
                window.setLifetimeSumSeconds(window.getLifetimeSumSeconds()
                        + Math.max(0, change.getClosedAtEpochNs() - change.getOpenedAtEpochNs()) / 1e9);
                window.setLifetimeSamples(window.getLifetimeSamples() + 1);
            }
        }
        window.setRetransmits(window.getRetransmits() + change.getRetransmitsDelta());
        // Bytes are the client's: what the server's end sent, its client received.
        boolean serverView = change.getServerView();
        long sent = serverView ? change.getBytesReceivedDelta() : change.getBytesSentDelta();
        long received = serverView ? change.getBytesSentDelta() : change.getBytesReceivedDelta();
        window.setBytesSent(window.getBytesSent() + sent);
        window.setBytesReceived(window.getBytesReceived() + received);
        if (change.getSrttUs() != null && change.getSrttUs() > 0) {
            window.setRttSumSeconds(window.getRttSumSeconds() + change.getSrttUs() / 1e6);
            window.setRttSamples(window.getRttSamples() + 1);
        }
    }

    /**
     * Adds a partial to its window. The sums of seconds are doubles, so the bits of a final record depend on how its
     * changes were grouped into partials: by event time alone (the partials' update interval), as a replay groups them.
     */
    static void merge(TcpWindow window, TcpWindow partial) {
        window.setSuccessfulConnects(window.getSuccessfulConnects() + partial.getSuccessfulConnects());
        window.setFailedConnects(window.getFailedConnects() + partial.getFailedConnects());
        window.setConnectTimeSumSeconds(window.getConnectTimeSumSeconds() + partial.getConnectTimeSumSeconds());
        window.setNetOpened(window.getNetOpened() + partial.getNetOpened());
        window.setClosedConnections(window.getClosedConnections() + partial.getClosedConnections());
        window.setLifetimeSumSeconds(window.getLifetimeSumSeconds() + partial.getLifetimeSumSeconds());
        window.setLifetimeSamples(window.getLifetimeSamples() + partial.getLifetimeSamples());
        window.setRetransmits(window.getRetransmits() + partial.getRetransmits());
        window.setBytesSent(window.getBytesSent() + partial.getBytesSent());
        window.setBytesReceived(window.getBytesReceived() + partial.getBytesReceived());
        window.setRttSumSeconds(window.getRttSumSeconds() + partial.getRttSumSeconds());
        window.setRttSamples(window.getRttSamples() + partial.getRttSamples());
    }
}
