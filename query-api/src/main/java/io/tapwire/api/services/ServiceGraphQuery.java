package io.tapwire.api.services;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

import io.tapwire.api.graph.Edge;
import io.tapwire.api.graph.EdgeStore;
import io.tapwire.api.graph.ServiceDirectory;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.read.ServicePair;
import io.tapwire.api.windows.L7Totals;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;

/**
 * The services and the service map over a range, from the read models: services from the processes, the edges and
 * the metric windows; traffic from the counting side's windows summed per edge ({@link EdgeTraffic}); kinds and nodes from the
 * {@link ServiceDirectory}. A service no process is known of is {@code external}.
 */
public final class ServiceGraphQuery {

    static final String EXTERNAL = "external";
    private static final String TCP = "tcp";
    /** Bits of a rank or a position in the service map's sort keys: up to a million services and edges. */
    private static final int RANK_BITS = 21;

    private final L7Windows l7;
    private final WindowStore<TcpSeries, TcpWindow> tcp;
    private final EdgeStore edges;
    private final ServiceDirectory directory;

    public ServiceGraphQuery(L7Windows l7, WindowStore<TcpSeries, TcpWindow> tcp,
                             EdgeStore edges, ServiceDirectory directory) {
        this.l7 = l7;
        this.tcp = tcp;
        this.edges = edges;
        this.directory = directory;
    }

    /**
     * Edges of {@code tapwire.service.edges.v1} seen in the range, and pairs with traffic in it that the edges topic
     * does not have yet (it is written every few seconds), with their figures; nodes at their ends and services with
     * processes in the range.
     */
    public ServiceMapView serviceMap(TimeRange range) {
        // One table for the pairs with traffic and the edges of the topic: each pair is found by its number.
        EdgeTraffic pairs = EdgeTraffic.of(l7, tcp, range, null);
        for (EdgeTraffic.Figures figures : pairs.all()) {
            if (figures.tcp != null) {
                figures.addProtocol(TCP);
            }
        }
        for (Edge edge : edges.seenIn(range)) {
            EdgeTraffic.Figures figures = pairs.figuresOf(edge.pair());
            for (String protocol : edge.protocols()) {
                figures.addProtocol(protocol);
            }
        }
        Set<String> services = new HashSet<>(directory.seenIn(range).keySet());
        for (EdgeTraffic.Figures figures : pairs.all()) {
            services.add(figures.pair.client());
            services.add(figures.pair.server());
        }
        List<String> names = sorted(services);
        // The views in the order the figures were gathered (close together in memory), then sorted.
        List<ServiceMapView.EdgeView> edgeViews = new ArrayList<>(pairs.all().size());
        for (EdgeTraffic.Figures figures : pairs.all()) {
            TrafficView l7View = TrafficView.of(figures.l7, range);
            edgeViews.add(new ServiceMapView.EdgeView(figures.pair.client(), figures.pair.server(),
                    Collections.unmodifiableList(figures.protocols()), l7View.requests(), l7View.errors(), l7View.requestsPerSecond(),
                    l7View.errorRate(), l7View.latencyMs(), TcpView.of(figures.tcp)));
        }
        edgeViews = byClientThenServer(edgeViews, names);
        Map<String, String> kinds = directory.kinds();
        List<ServiceMapView.Node> nodes = new ArrayList<>(names.size());
        for (String service : names) {
            String kind = kinds.get(service);
            nodes.add(new ServiceMapView.Node(service, kind == null ? EXTERNAL : kind, kind == null));
        }
        return new ServiceMapView(nodes, edgeViews);
    }

    /** Every service seen in the range (processes, edges, metric windows), sorted by id. */
    public List<ServiceView> services(TimeRange range) {
        EdgeTraffic traffic = EdgeTraffic.of(l7, tcp, range, null);
        Set<String> services = new HashSet<>(directory.seenIn(range).keySet());
        for (Edge edge : edges.seenIn(range)) {
            services.add(edge.clientService());
            services.add(edge.serverService());
        }
        for (EdgeTraffic.Figures figures : traffic.all()) {
            services.add(figures.pair.client());
            services.add(figures.pair.server());
        }
        return views(sorted(services), traffic, range);
    }

    /** One service over the range (zeros when it was quiet); empty when no read model knows it at all. */
    public Optional<ServiceView> service(String service, TimeRange range) {
        if (!knows(service)) {
            return Optional.empty();
        }
        EdgeTraffic traffic = EdgeTraffic.of(l7, tcp, range, service);
        return Optional.of(views(List.of(service), traffic, range).get(0));
    }

    /** Whether any read model knows the service, in or out of any range. */
    public boolean knows(String service) {
        Predicate<String> is = service::equals;
        return directory.knows(service) || edges.involves(service)
                || l7.series().anySeries(s -> is.test(s.clientService()) || is.test(s.serverService()))
                || tcp.anySeries(s -> is.test(s.clientService()) || is.test(s.serverService()));
    }

    /**
     * The edges sorted by client, then server, given every id at their ends sorted: one long per edge (the client's
     * rank, the server's rank, the edge's position) sorted as numbers, instead of comparing ids with long common
     * prefixes some 130,000 times for 10,000 edges.
     */
    private static List<ServiceMapView.EdgeView> byClientThenServer(List<ServiceMapView.EdgeView> edges,
                                                                    List<String> sortedIds) {
        Map<String, Integer> rank = new HashMap<>(sortedIds.size() * 2);
        for (int i = 0; i < sortedIds.size(); i++) {
            rank.put(sortedIds.get(i), i);
        }
        long[] order = new long[edges.size()];
        for (int i = 0; i < order.length; i++) {
            ServiceMapView.EdgeView edge = edges.get(i);
            order[i] = (long) rank.get(edge.client()) << RANK_BITS * 2 | (long) rank.get(edge.server()) << RANK_BITS | i;
        }
        Arrays.sort(order);
        List<ServiceMapView.EdgeView> sorted = new ArrayList<>(order.length);
        for (long o : order) {
            sorted.add(edges.get((int) (o & (1L << RANK_BITS) - 1)));
        }
        return sorted;
    }

    private static List<String> sorted(Set<String> services) {
        List<String> list = new ArrayList<>(services);
        list.sort(null);
        return list;
    }

    private List<ServiceView> views(List<String> services, EdgeTraffic traffic, TimeRange range) {
        Map<String, L7Totals> inbound = new HashMap<>();
        Map<String, L7Totals> outbound = new HashMap<>();
        Map<String, SortedSet<String>> protocols = new HashMap<>();
        for (EdgeTraffic.Figures figures : traffic.all()) {
            ServicePair pair = figures.pair;
            inbound.computeIfAbsent(pair.server(), s -> new L7Totals()).add(figures.l7);
            outbound.computeIfAbsent(pair.client(), s -> new L7Totals()).add(figures.l7);
            protocols.computeIfAbsent(pair.server(), s -> new TreeSet<>()).addAll(figures.protocols());
            protocols.computeIfAbsent(pair.client(), s -> new TreeSet<>()).addAll(figures.protocols());
        }
        Map<String, ServiceDirectory.Entry> withProcesses = directory.seenIn(range);
        Map<String, String> kinds = directory.kinds();
        L7Totals none = new L7Totals();
        List<ServiceView> views = new ArrayList<>(services.size());
        for (String service : services) {
            String kind = kinds.get(service);
            ServiceDirectory.Entry entry = withProcesses.get(service);
            views.add(new ServiceView(service, kind == null ? EXTERNAL : kind,
                    entry == null ? List.of() : List.copyOf(entry.nodes()), kind == null,
                    TrafficView.of(inbound.getOrDefault(service, none), range),
                    TrafficView.of(outbound.getOrDefault(service, none), range),
                    List.copyOf(protocols.getOrDefault(service, new TreeSet<>()))));
        }
        return views;
    }
}
