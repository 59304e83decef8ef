package io.tapwire.api.windows;

import io.tapwire.api.read.ServiceNames;
import io.tapwire.schemas.derived.L7Metric;

/**
 * One series of {@code tapwire.l7.metrics.v1}: its key without the window.
 *
 * @param side         {@code client} or {@code server}: which end observed the requests
 * @param countingSide whether these are the records that count each request of the edge once
 */
public record L7Series(String side, boolean countingSide, String clientService, String serverService,
                       String destination, String protocol, String status) {

    public static L7Series of(L7Metric metric) {
        return new L7Series(metric.getSide(), metric.getCountingSide(), ServiceNames.intern(metric.getClientService()),
                ServiceNames.intern(metric.getServerService()), metric.getDestination(), ServiceNames.intern(metric.getProtocol()),
                metric.getStatus());
    }
}
