package io.tapwire.api.windows;

import io.tapwire.api.read.ServiceNames;
import io.tapwire.schemas.derived.TcpMetric;

/** One series of {@code tapwire.tcp.metrics.v1}: its key without the window. Every series counts once. */
public record TcpSeries(String clientService, String destination, String serverService) {

    public static TcpSeries of(TcpMetric metric) {
        return new TcpSeries(ServiceNames.intern(metric.getClientService()), metric.getDestination(),
                ServiceNames.intern(metric.getServerService()));
    }
}
