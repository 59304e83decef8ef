package io.tapwire.api;

import java.util.Arrays;
import java.util.List;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.schemas.keys.TcpMetricKey;

/** Hand-made records of the derived topics, as the topology writes them, and their keys. */
final class DerivedRecords {

    static final String API = "/system.slice/api.service";
    static final String NGINX = "/system.slice/nginx.service";
    static final String POSTGRES = "/system.slice/postgresql.service";
    static final String REDIS = "/system.slice/redis.service";
    static final String NGINX_AT = "10.0.0.1:80";
    static final String POSTGRES_AT = "10.0.0.2:5432";
    static final String REDIS_AT = "10.0.0.3:6379";

    /** Prometheus' default bucket bounds, as the topology writes them. */
    static final List<Double> BOUNDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    private DerivedRecords() {
    }

    /**
     * A window of one L7 series.
     *
     * @param latencies one duration in seconds per request; each counts in its bucket and the sum
     */
    static L7Metric l7(String side, String client, String server, String destination, String protocol, String status,
                       long windowStartMs, boolean isFinal, long errors, double... latencies) {
        Long[] counts = new Long[BOUNDS.size() + 1];
        Arrays.fill(counts, 0L);
        double sum = 0;
        for (double latency : latencies) {
            int bucket = 0;
            while (bucket < BOUNDS.size() && latency > BOUNDS.get(bucket)) {
                bucket++;
            }
            counts[bucket]++;
            sum += latency;
        }
        return L7Metric.newBuilder().setSide(side).setCountingSide("client".equals(side)).setClientService(client)
                .setServerService(server).setDestination(destination).setProtocol(protocol).setStatus(status)
                .setWindowStartEpochMs(windowStartMs).setWindowEndEpochMs(windowStartMs + 10_000)
                .setRequests(latencies.length).setErrors(errors).setLatencySumSeconds(sum)
                .setLatencyBucketBoundsSeconds(BOUNDS).setLatencyBucketCounts(List.of(counts)).setFinal$(isFinal)
                .build();
    }

    static String key(L7Metric m) {
        return new L7MetricKey(m.getSide(), m.getClientService(), m.getServerService(), m.getDestination(),
                m.getProtocol(), m.getStatus(), m.getWindowStartEpochMs()).format();
    }

    static TcpMetric.Builder tcp(String client, String destination, String server, long windowStartMs, boolean isFinal) {
        return TcpMetric.newBuilder().setClientService(client).setDestination(destination).setServerService(server)
                .setWindowStartEpochMs(windowStartMs).setWindowEndEpochMs(windowStartMs + 10_000).setFinal$(isFinal);
    }

    static String key(TcpMetric m) {
        return new TcpMetricKey(m.getClientService(), m.getDestination(), m.getServerService(),
                m.getWindowStartEpochMs()).format();
    }

    static L7Request span(ObservedSide side, String client, String server, String destination, String protocol,
                          String operation, String resource, String status, boolean error, long startMs,
                          double durationMs) {
        return L7Request.newBuilder().setCluster("prod").setNode("node-1").setBootId("boot-1").setSocketInode(1000 + startMs % 1000)
                .setSide(side).setClientService(client).setServerService(server).setDestination(destination)
                .setCountingSide(side == ObservedSide.CLIENT).setProtocol(protocol).setOperation(operation)
                .setResource(resource).setStatus(status).setError(error).setStartEpochNs(startMs * 1_000_000L)
                .setDurationNs(Math.round(durationMs * 1_000_000)).build();
    }

    static ServiceEdge edge(String client, String server, long firstSeenMs, long lastSeenMs, String... protocols) {
        return ServiceEdge.newBuilder().setClientService(client).setServerService(server)
                .setProtocols(List.of(protocols)).setFirstSeenEpochMs(firstSeenMs).setLastSeenEpochMs(lastSeenMs)
                .setRequests(0).setErrors(0).setConnects(0).setFailedConnects(0).build();
    }

    static String key(ServiceEdge e) {
        return new ServiceEdgeKey(e.getClientService(), e.getServerService()).format();
    }

    static ServiceEvent event(ServiceEventType type, String service, String node, int pid, long atMs, Integer exitCode,
                              Integer signal, String detail) {
        return ServiceEvent.newBuilder().setService(service).setType(type).setEpochNs(atMs * 1_000_000L)
                .setCluster("prod").setNode(node).setPid(pid).setComm("p" + pid).setExitCode(exitCode)
                .setSignal(signal).setDetail(detail).build();
    }

    static String key(L7Request r) {
        return new ConnectionKey(r.getCluster(), r.getNode(), r.getBootId(), r.getSocketInode()).format();
    }
}
