package io.tapwire.api.windows;

import io.tapwire.api.read.ServicePair;
import io.tapwire.schemas.derived.TcpMetric;

/** One series of {@code tapwire.tcp.metrics.v1}: its key without the window. Every series counts once. */
public record TcpSeries(ServicePair pair, String destination) {

    public TcpSeries(String clientService, String destination, String serverService) {
        this(ServicePair.of(clientService, serverService), destination);
    }

    public static TcpSeries of(TcpMetric metric) {
        return new TcpSeries(metric.getClientService(), metric.getDestination(), metric.getServerService());
    }

    public String clientService() {
        return pair.client();
    }

    public String serverService() {
        return pair.server();
    }
}
