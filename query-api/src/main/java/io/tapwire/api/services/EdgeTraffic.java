package io.tapwire.api.services;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import io.tapwire.api.query.TimeRange;
import io.tapwire.api.read.ServicePair;
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
 * which does not add up over destinations whose latest windows differ. A pair's figures sit in an array at the pair's
 * number ({@link ServicePair#id()}): no map of pairs is built.
 */
final class EdgeTraffic {

    /** One pair's figures; {@code tcp} is null when no TCP window of the pair is in the range. */
    static final class Figures {
        final ServicePair pair;
        final L7Totals l7 = new L7Totals();
        /** Sorted, without repeats; an edge has a protocol or two, so a list beats a tree here. */
        private final List<String> protocols = new ArrayList<>(2);
        TcpWindow tcp;

        Figures(ServicePair pair) {
            this.pair = pair;
        }

        void addProtocol(String protocol) {
            // Mostly there already, and the same instance (interned at ingest): no comparison of characters.
            for (int i = 0; i < protocols.size(); i++) {
                if (protocols.get(i).equals(protocol)) {
                    return;
                }
            }
            protocols.add(-Collections.binarySearch(protocols, protocol) - 1, protocol);
        }

        List<String> protocols() {
            return protocols;
        }
    }

    private Figures[] byId = new Figures[ServicePair.count()];
    private final List<Figures> all = new ArrayList<>();

    private EdgeTraffic() {
    }

    /** The pairs with traffic in the range that have {@code service} at one end, or all pairs when it is null. */
    static EdgeTraffic of(L7Windows l7, WindowStore<TcpSeries, TcpWindow> tcp, TimeRange range, String service) {
        EdgeTraffic traffic = new EdgeTraffic();
        traffic.addL7(l7, range, service);
        traffic.addTcp(tcp, range, service);
        return traffic;
    }

    /** The figures of {@code pair}, new and empty if it had none yet. */
    Figures figuresOf(ServicePair pair) {
        int id = pair.id();
        if (id >= byId.length) {
            // numbered after this query started
            byId = Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
        }
        Figures figures = byId[id];
        if (figures == null) {
            figures = new Figures(pair);
            byId[id] = figures;
            all.add(figures);
        }
        return figures;
    }

    /** Every pair with figures, in no particular order. */
    List<Figures> all() {
        return all;
    }

    private static boolean involves(String service, ServicePair pair) {
        return service == null || service.equals(pair.client()) || service.equals(pair.server());
    }

    private void addL7(L7Windows l7, TimeRange range, String service) {
        // The figures of one edge (its rollups, then its windows) come one after the other: look its pair up once.
        Object[] current = new Object[2];
        l7.edges().scan(range, WindowStore.WHOLE_RANGE, e -> involves(service, e.pair()),
                (edge, startMs, window) -> {
                    if (current[0] != edge) {
                        current[0] = edge;
                        Figures figures = figuresOf(edge.pair());
                        figures.addProtocol(edge.protocol());
                        current[1] = figures;
                    }
                    ((Figures) current[1]).l7.add(window);
                });
    }

    private void addTcp(WindowStore<TcpSeries, TcpWindow> store, TimeRange range, String service) {
        // The series of one pair (one per destination) add up.
        TcpFolder folder = new TcpFolder(startMs -> 0, (series, bucket, total) -> {
            Figures figures = figuresOf(series.pair());
            figures.tcp = figures.tcp == null ? total : figures.tcp.plus(total);
        });
        store.scan(range, WindowStore.WHOLE_RANGE, s -> involves(service, s.pair()), folder);
        folder.finish();
    }
}
