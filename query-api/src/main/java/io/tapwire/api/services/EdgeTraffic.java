package io.tapwire.api.services;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tapwire.api.query.TimeRange;
import io.tapwire.api.windows.L7Totals;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.TcpFolder;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;

/**
 * The traffic of every (client, server) pair over a range, each request and connection counted once: L7 requests
 * from the counting side's windows only (the client's view, or the server's where the client was not observed), read
 * from their sums per edge and protocol ({@link L7Windows#edges()}); TCP from every window (the topology already
 * counts each connection from one side), per destination: the connections open are each destination's latest figure,
 * which does not add up over destinations whose latest windows differ.
 */
final class EdgeTraffic {

    record Pair(String client, String server) {
        /**
         * Service ids share long prefixes ({@code /k8s/<namespace>/...}): the record's own hash (31 * a + b) made
         * long collision chains in the maps of 10,000 pairs, which the service map walks several times.
         */
        @Override
        public int hashCode() {
            return Long.hashCode((client.hashCode() * 0x9E3779B97F4A7C15L) ^ server.hashCode());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && client.equals(p.client) && server.equals(p.server);
        }
    }

    /** One pair's figures; {@code tcp} is null when no TCP window of the pair is in the range. */
    static final class Figures {
        final L7Totals l7 = new L7Totals();
        /** Sorted, without repeats; an edge has a protocol or two, so a list beats a tree here. */
        private final List<String> protocols = new ArrayList<>(2);
        TcpWindow tcp;

        void addProtocol(String protocol) {
            int at = Collections.binarySearch(protocols, protocol);
            if (at < 0) {
                protocols.add(-at - 1, protocol);
            }
        }

        List<String> protocols() {
            return protocols;
        }
    }

    private EdgeTraffic() {
    }

    /** The pairs with traffic in the range that have {@code service} at one end, or all pairs when it is null. */
    static Map<Pair, Figures> of(L7Windows l7, WindowStore<TcpSeries, TcpWindow> tcp,
                                 TimeRange range, String service) {
        Map<Pair, Figures> byPair = new HashMap<>();
        addL7(l7, range, service, byPair);
        addTcp(tcp, range, service, byPair);
        return byPair;
    }

    private static boolean involves(String service, String client, String server) {
        return service == null || service.equals(client) || service.equals(server);
    }

    private static void addL7(L7Windows l7, TimeRange range, String service, Map<Pair, Figures> byPair) {
        // The figures of one edge (its rollups, then its windows) come one after the other: look its pair up once.
        Object[] current = new Object[2];
        l7.edges().scan(range, WindowStore.WHOLE_RANGE, e -> involves(service, e.clientService(), e.serverService()),
                (edge, startMs, window) -> {
                    if (current[0] != edge) {
                        current[0] = edge;
                        Figures figures = byPair.computeIfAbsent(
                                new Pair(edge.clientService(), edge.serverService()), p -> new Figures());
                        figures.addProtocol(edge.protocol());
                        current[1] = figures;
                    }
                    ((Figures) current[1]).l7.add(window);
                });
    }

    private static void addTcp(WindowStore<TcpSeries, TcpWindow> store, TimeRange range, String service,
                               Map<Pair, Figures> byPair) {
        // The series of one pair (one per destination) add up.
        TcpFolder folder = new TcpFolder(startMs -> 0, (series, bucket, total) -> {
            Figures figures = byPair.computeIfAbsent(new Pair(series.clientService(), series.serverService()),
                    p -> new Figures());
            figures.tcp = figures.tcp == null ? total : figures.tcp.plus(total);
        });
        store.scan(range, WindowStore.WHOLE_RANGE, s -> involves(service, s.clientService(), s.serverService()),
                folder);
        folder.finish();
    }
}
