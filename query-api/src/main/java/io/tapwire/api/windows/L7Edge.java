package io.tapwire.api.windows;

/**
 * The key of the L7 running totals kept per edge ({@link L7Windows#edges()}): a client → server pair and one of its
 * protocols, whatever the side, destination and status of the series summed into it.
 */
public record L7Edge(String clientService, String serverService, String protocol) {

    static L7Edge of(L7Series series) {
        return new L7Edge(series.clientService(), series.serverService(), series.protocol());
    }

    /**
     * Service ids share long prefixes ({@code /k8s/<namespace>/...}): mixed as in the service map's pairs, so that
     * tens of thousands of edges do not make long collision chains.
     */
    @Override
    public int hashCode() {
        return Long.hashCode((clientService.hashCode() * 0x9E3779B97F4A7C15L) ^ serverService.hashCode())
                * 31 + protocol.hashCode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof L7Edge e && clientService.equals(e.clientService) && serverService.equals(e.serverService)
                && protocol.equals(e.protocol);
    }
}
