package io.tapwire.api.windows;

import io.tapwire.api.read.ServicePair;

/**
 * The key of the L7 running totals kept per edge ({@link L7Windows#edges()}): a client → server pair and one of its
 * protocols, whatever the side, destination and status of the series summed into it.
 */
public record L7Edge(ServicePair pair, String protocol) {

    static L7Edge of(L7Series series) {
        return new L7Edge(ServicePair.of(series.clientService(), series.serverService()), series.protocol());
    }

    public String clientService() {
        return pair.client();
    }

    public String serverService() {
        return pair.server();
    }
}
