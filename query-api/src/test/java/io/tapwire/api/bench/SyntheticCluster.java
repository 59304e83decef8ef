package io.tapwire.api.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import io.tapwire.api.counters.LatencyBuckets;
import io.tapwire.api.graph.Edge;
import io.tapwire.api.graph.EdgeStore;
import io.tapwire.api.graph.ServiceDirectory;
import io.tapwire.api.read.ServiceNames;
import io.tapwire.api.windows.L7Series;
import io.tapwire.api.windows.L7Window;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceKind;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.ProcessKey;

/**
 * A made-up cluster for the query API benchmark, the same for the same sizes (fixed seed): {@code services}
 * Kubernetes workloads with one process each on 10 nodes, {@code edges} distinct client → server pairs, each with one
 * protocol (70% HTTP, 15% PostgreSQL, 15% Redis) and, per edge, the series the topology would write: the client's
 * view with the success status, for one edge in ten also an error status, for every second edge the server's view
 * too, and one TCP series.
 */
final class SyntheticCluster {

    static final long WINDOW_MS = 10_000;
    private static final String[] PROTOCOLS = {"http", "http", "http", "http", "http", "http", "http", "postgres",
            "postgres", "redis", "redis", "redis"};

    record Pair(int client, int server, String protocol) {
    }

    final int services;
    final List<Pair> edges;
    final List<L7Series> l7Series = new ArrayList<>();
    final List<TcpSeries> tcpSeries = new ArrayList<>();

    SyntheticCluster(int services, int edges) {
        this.services = services;
        Random random = new Random(42);
        Set<Pair> pairs = new LinkedHashSet<>();
        Set<Long> seen = new HashSet<>();
        while (pairs.size() < edges) {
            int client = random.nextInt(services);
            int server = random.nextInt(services);
            if (client != server && seen.add((long) client * services + server)) {
                pairs.add(new Pair(client, server, PROTOCOLS[random.nextInt(PROTOCOLS.length)]));
            }
        }
        this.edges = List.copyOf(pairs);
        for (int i = 0; i < this.edges.size(); i++) {
            Pair p = this.edges.get(i);
            String ok = p.protocol().equals("http") ? "200" : "ok";
            String failed = p.protocol().equals("http") ? "500" : "failed";
            l7Series.add(new L7Series("client", true, name(p.client()), name(p.server()), destination(p.server()),
                    p.protocol(), ok));
            if (i % 10 == 0) {
                l7Series.add(new L7Series("client", true, name(p.client()), name(p.server()),
                        destination(p.server()), p.protocol(), failed));
            }
            if (i % 2 == 0) {
                l7Series.add(new L7Series("server", false, name(p.client()), name(p.server()),
                        destination(p.server()), p.protocol(), ok));
            }
            tcpSeries.add(new TcpSeries(name(p.client()), destination(p.server()), name(p.server())));
        }
    }

    /** Interned as the ingest interns the ids it decodes. */
    static String name(int service) {
        return ServiceNames.intern("/k8s/ns-" + service % 20 + "/svc-" + service);
    }

    static String destination(int service) {
        return "10." + service / 256 + "." + service % 256 + ".1:8080";
    }

    /** Fills the read models with {@code windows} windows per series ending at {@code endMs}. */
    void load(L7Windows l7, WindowStore<TcpSeries, TcpWindow> tcp, EdgeStore edgeStore,
              ServiceDirectory directory, long endMs, int windows) {
        long firstMs = (endMs / WINDOW_MS - windows) * WINDOW_MS;
        Random random = new Random(7);
        for (int s = 0; s < services; s++) {
            ProcessInfo process = process(s, firstMs - 3_600_000);
            directory.put(new ProcessKey("bench", process.getNode(), "boot", s + 1, 1).format(), process);
        }
        for (Pair p : edges) {
            edgeStore.put(name(p.client()) + "/" + name(p.server()), new Edge(name(p.client()), name(p.server()),
                    List.of(p.protocol(), "tcp"), firstMs - 3_600_000, endMs));
        }
        for (long t = firstMs; t < firstMs + windows * WINDOW_MS; t += WINDOW_MS) {
            for (L7Series series : l7Series) {
                l7.put(series, t, l7Window(random));
            }
            for (TcpSeries series : tcpSeries) {
                tcp.put(series, t, new TcpWindow(random.nextInt(3), random.nextInt(2), random.nextInt(2),
                        1000L * random.nextInt(100), 4000L * random.nextInt(100), 1_200_000, 3, t,
                        random.nextInt(10)));
            }
        }
    }

    private static L7Window l7Window(Random random) {
        long[] buckets = new long[LatencyBuckets.COUNT];
        int requests = 1 + random.nextInt(20);
        for (int r = 0; r < requests; r++) {
            buckets[Math.min(LatencyBuckets.COUNT - 1, (int) Math.abs(random.nextGaussian() * 2 + 1))]++;
        }
        return new L7Window(requests, random.nextInt(10) == 0 ? 1 : 0, requests * 3_000_000L, buckets);
    }

    private ProcessInfo process(int service, long startedAtMs) {
        return ProcessInfo.newBuilder().setCluster("bench").setNode("node-" + service % 10).setBootId("boot")
                .setPid(service + 1).setStartTimeTicks(1).setPpid(1).setComm("svc").setCmdline(List.of())
                .setCgroupId(service).setNetnsInode(1).setService(name(service)).setServiceKind(ServiceKind.KUBERNETES)
                .setStartedAtEpochNs(startedAtMs * 1_000_000L).setUpdatedAtEpochNs(startedAtMs * 1_000_000L).build();
    }

    /** One final window per series, for the cumulative counters behind {@code /metrics}. */
    List<L7Metric> finalL7Windows(long startMs) {
        List<Double> bounds = new ArrayList<>();
        for (int i = 0; i < LatencyBuckets.COUNT - 1; i++) {
            bounds.add(LatencyBuckets.upperBoundSeconds(i));
        }
        Random random = new Random(11);
        List<L7Metric> metrics = new ArrayList<>(l7Series.size());
        for (L7Series s : l7Series) {
            L7Window w = l7Window(random);
            metrics.add(L7Metric.newBuilder().setSide(s.side()).setCountingSide(s.countingSide())
                    .setClientService(s.clientService()).setServerService(s.serverService())
                    .setDestination(s.destination()).setProtocol(s.protocol()).setStatus(s.status())
                    .setWindowStartEpochMs(startMs).setWindowEndEpochMs(startMs + WINDOW_MS)
                    .setRequests(w.requests()).setErrors(w.errors()).setLatencySumSeconds(w.latencySumNanos() / 1e9)
                    .setLatencyBucketBoundsSeconds(bounds)
                    .setLatencyBucketCounts(Arrays.stream(w.bucketCounts()).boxed().toList()).setFinal$(true).build());
        }
        return metrics;
    }

    List<TcpMetric> finalTcpWindows(long startMs) {
        List<TcpMetric> metrics = new ArrayList<>(tcpSeries.size());
        for (TcpSeries s : tcpSeries) {
            metrics.add(TcpMetric.newBuilder().setClientService(s.clientService()).setDestination(s.destination())
                    .setServerService(s.serverService()).setWindowStartEpochMs(startMs)
                    .setWindowEndEpochMs(startMs + WINDOW_MS).setSuccessfulConnects(3).setFailedConnects(1)
                    .setConnectTimeSumSeconds(0.003).setActiveConnections(2).setRetransmits(1).setBytesSent(1000)
                    .setBytesReceived(4000).setFinal$(true).build());
        }
        return metrics;
    }
}
