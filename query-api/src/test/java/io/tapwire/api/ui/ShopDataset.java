package io.tapwire.api.ui;

import java.util.Arrays;
import java.util.List;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.derived.ServiceKind;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.schemas.keys.ServiceEdgeKey;
import io.tapwire.schemas.keys.ServiceKey;
import io.tapwire.schemas.keys.TcpMetricKey;
import io.tapwire.schemas.topics.TapwireTopic;

/**
 * A small shop as the topology would describe it over the last ten minutes: a frontend calling a checkout service,
 * which calls PostgreSQL, Redis and an external payment API; a container with a long id calling Redis too. Processes,
 * final windows of L7 and TCP metrics (client and server views where both ends are observed), service edges, spans
 * and events (an OOM kill and a restart of checkout, a crash of Redis). The constants are what the UI must show.
 */
final class ShopDataset {

    static final String FRONTEND = "/k8s/shop/frontend";
    static final String CHECKOUT = "/k8s/shop/checkout";
    static final String POSTGRES = "/system.slice/postgresql.service";
    static final String REDIS = "/host/redis-server";
    static final String PAYMENTS = "api.payments.example:443";
    /** A container named by its 64-hex id, as the identity rules name one without a known name. */
    static final String BATCH = "/docker/" + "3f9a1c2b7d4e".repeat(5) + "0a1b";
    static final List<String> SERVICES = List.of(FRONTEND, CHECKOUT, POSTGRES, REDIS, PAYMENTS, BATCH);

    static final String CHECKOUT_AT = "10.0.0.10:8080";
    static final String POSTGRES_AT = "10.0.0.20:5432";
    static final String REDIS_AT = "10.0.0.30:6379";
    static final String PAYMENTS_AT = "203.0.113.7:443";

    /** Requests and errors on each edge, counted once (client side). */
    static final long FRONTEND_CHECKOUT_REQUESTS = 120;
    static final long FRONTEND_CHECKOUT_ERRORS = 6;
    static final long CHECKOUT_POSTGRES_REQUESTS = 300;
    static final long CHECKOUT_REDIS_REQUESTS = 500;
    static final long CHECKOUT_PAYMENTS_REQUESTS = 40;
    static final long BATCH_REDIS_REQUESTS = 10;
    static final int EDGES = 5;

    static final int SPANS = 8;
    static final int POSTGRES_SPANS = 3;
    static final String FAILED_INSERT = "INSERT INTO orders (id, total) VALUES ($1, $2)";

    private static final List<Double> BOUNDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    private static final long MINUTE = 60_000;

    private final UiRecordWriter writer;
    private final long now;

    private ShopDataset(UiRecordWriter writer, long now) {
        this.writer = writer;
        this.now = now;
    }

    static void write(UiRecordWriter writer, long now) {
        ShopDataset dataset = new ShopDataset(writer, now);
        dataset.processes();
        dataset.metrics();
        dataset.edges();
        dataset.spans();
        dataset.events();
    }

    /** The fixture that holds this dataset. */
    public static class Fixture extends DatasetFixture {
        @Override
        protected void write(UiRecordWriter writer, long now) {
            ShopDataset.write(writer, now);
        }
    }

    private void processes() {
        process(101, FRONTEND, ServiceKind.KUBERNETES, "node", "/usr/bin/node");
        process(202, CHECKOUT, ServiceKind.KUBERNETES, "java", "/usr/lib/jvm/bin/java");
        process(303, POSTGRES, ServiceKind.SYSTEMD, "postgres", "/usr/lib/postgresql/15/bin/postgres");
        process(404, REDIS, ServiceKind.HOST, "redis-server", "/usr/bin/redis-server");
        process(505, BATCH, ServiceKind.CONTAINER, "python3", "/usr/bin/python3.11");
    }

    private void process(int pid, String service, ServiceKind kind, String comm, String exe) {
        long startedNs = (now - 30 * MINUTE) * 1_000_000L;
        ProcessInfo info = ProcessInfo.newBuilder().setCluster("prod").setNode("node-a").setBootId("boot-1")
                .setPid(pid).setStartTimeTicks(1000L + pid).setPpid(1).setComm(comm).setExe(exe)
                .setCmdline(List.of(exe)).setService(service).setServiceKind(kind).setStartedAtEpochNs(startedNs)
                .setUpdatedAtEpochNs(startedNs).build();
        writer.send(TapwireTopic.PROCESSES,
                new ProcessKey("prod", "node-a", "boot-1", pid, info.getStartTimeTicks()).format(), info,
                now - 30 * MINUTE);
    }

    /** Three final 10-second windows per series, 9, 6 and 3 minutes ago; each series' total is split over them. */
    private void metrics() {
        long[] windows = {window(9), window(6), window(3)};
        for (String side : List.of("client", "server")) {
            l7(windows, side, FRONTEND, CHECKOUT, CHECKOUT_AT, "http", "200", FRONTEND_CHECKOUT_REQUESTS
                    - FRONTEND_CHECKOUT_ERRORS, 0, 0.004);
            l7(windows, side, FRONTEND, CHECKOUT, CHECKOUT_AT, "http", "503", FRONTEND_CHECKOUT_ERRORS,
                    FRONTEND_CHECKOUT_ERRORS, 0.3);
            l7(windows, side, CHECKOUT, POSTGRES, POSTGRES_AT, "postgres", "ok", CHECKOUT_POSTGRES_REQUESTS - 3, 0,
                    0.002);
            l7(windows, side, CHECKOUT, POSTGRES, POSTGRES_AT, "postgres", "failed", 3, 3, 0.02);
            l7(windows, side, CHECKOUT, REDIS, REDIS_AT, "redis", "ok", CHECKOUT_REDIS_REQUESTS, 0, 0.0004);
        }
        // The payment API runs no observed process: only the client's view exists.
        l7(windows, "client", CHECKOUT, PAYMENTS, PAYMENTS_AT, "http", "201", CHECKOUT_PAYMENTS_REQUESTS - 4, 0, 0.2);
        l7(windows, "client", CHECKOUT, PAYMENTS, PAYMENTS_AT, "http", "502", 4, 4, 1.5);
        l7(windows, "client", BATCH, REDIS, REDIS_AT, "redis", "ok", BATCH_REDIS_REQUESTS, 0, 0.0006);

        tcp(windows, FRONTEND, CHECKOUT_AT, CHECKOUT, 16, 1, 2);
        tcp(windows, CHECKOUT, POSTGRES_AT, POSTGRES, 4, 0, 0);
        tcp(windows, CHECKOUT, REDIS_AT, REDIS, 2, 0, 0);
        tcp(windows, CHECKOUT, PAYMENTS_AT, PAYMENTS, 8, 2, 5);
    }

    private long window(int minutesAgo) {
        return (now - minutesAgo * MINUTE) / 10_000 * 10_000;
    }

    private void l7(long[] windows, String side, String client, String server, String destination, String protocol,
                    String status, long requests, long errors, double latencySeconds) {
        for (int i = 0; i < windows.length; i++) {
            long share = part(requests, i, windows.length);
            long errorShare = part(errors, i, windows.length);
            Long[] counts = new Long[BOUNDS.size() + 1];
            Arrays.fill(counts, 0L);
            int bucket = 0;
            while (bucket < BOUNDS.size() && latencySeconds > BOUNDS.get(bucket)) {
                bucket++;
            }
            counts[bucket] = share;
            L7Metric metric = L7Metric.newBuilder().setSide(side).setCountingSide("client".equals(side))
                    .setClientService(client).setServerService(server).setDestination(destination)
                    .setProtocol(protocol).setStatus(status).setWindowStartEpochMs(windows[i])
                    .setWindowEndEpochMs(windows[i] + 10_000).setRequests(share).setErrors(errorShare)
                    .setLatencySumSeconds(share * latencySeconds).setLatencyBucketBoundsSeconds(BOUNDS)
                    .setLatencyBucketCounts(List.of(counts)).setFinal$(true).build();
            writer.send(TapwireTopic.L7_METRICS, new L7MetricKey(side, client, server, destination, protocol, status,
                    windows[i]).format(), metric, windows[i] + 10_000);
        }
    }

    private void tcp(long[] windows, String client, String destination, String server, long connects, long failed,
                     long retransmits) {
        for (int i = 0; i < windows.length; i++) {
            TcpMetric metric = TcpMetric.newBuilder().setClientService(client).setDestination(destination)
                    .setServerService(server).setWindowStartEpochMs(windows[i])
                    .setWindowEndEpochMs(windows[i] + 10_000).setFinal$(true)
                    .setSuccessfulConnects(part(connects, i, windows.length))
                    .setFailedConnects(part(failed, i, windows.length))
                    .setConnectTimeSumSeconds(0.0001 * part(connects, i, windows.length))
                    .setRetransmits(part(retransmits, i, windows.length)).setActiveConnections(2)
                    .setBytesSent(1200L * connects).setBytesReceived(5400L * connects).setRttSumSeconds(0.00025 * 4)
                    .setRttSamples(4).build();
            writer.send(TapwireTopic.TCP_METRICS, new TcpMetricKey(client, destination, server, windows[i]).format(),
                    metric, windows[i] + 10_000);
        }
    }

    /** The i-th of n parts of total, the remainder in the first part. */
    private static long part(long total, int i, int n) {
        return total / n + (i == 0 ? total % n : 0);
    }

    private void edges() {
        edge(FRONTEND, CHECKOUT, List.of("http", "tcp"), FRONTEND_CHECKOUT_REQUESTS, FRONTEND_CHECKOUT_ERRORS, 16, 1);
        edge(CHECKOUT, POSTGRES, List.of("postgres", "tcp"), CHECKOUT_POSTGRES_REQUESTS, 3, 4, 0);
        edge(CHECKOUT, REDIS, List.of("redis", "tcp"), CHECKOUT_REDIS_REQUESTS, 0, 2, 0);
        edge(CHECKOUT, PAYMENTS, List.of("http", "tcp"), CHECKOUT_PAYMENTS_REQUESTS, 4, 8, 2);
        edge(BATCH, REDIS, List.of("redis"), BATCH_REDIS_REQUESTS, 0, 0, 0);
    }

    private void edge(String client, String server, List<String> protocols, long requests, long errors, long connects,
                      long failedConnects) {
        ServiceEdge edge = ServiceEdge.newBuilder().setClientService(client).setServerService(server)
                .setProtocols(protocols).setFirstSeenEpochMs(window(9)).setLastSeenEpochMs(window(3) + 10_000)
                .setRequests(requests).setErrors(errors).setConnects(connects).setFailedConnects(failedConnects)
                .build();
        writer.send(TapwireTopic.SERVICE_EDGES, new ServiceEdgeKey(client, server).format(), edge,
                edge.getLastSeenEpochMs());
    }

    private void spans() {
        span(FRONTEND, CHECKOUT, CHECKOUT_AT, "http", "GET", "/cart/{id}", "200", false, 8, 4.1);
        span(FRONTEND, CHECKOUT, CHECKOUT_AT, "http", "POST", "/checkout", "503", true, 7, 310);
        span(CHECKOUT, POSTGRES, POSTGRES_AT, "postgres", "SELECT", "SELECT id, total FROM orders WHERE id = $1", "ok",
                false, 6, 2.2);
        span(CHECKOUT, POSTGRES, POSTGRES_AT, "postgres", "INSERT", FAILED_INSERT, "failed", true, 5, 21);
        span(CHECKOUT, POSTGRES, POSTGRES_AT, "postgres", "COMMIT", "COMMIT", "ok", false, 4, 0.9);
        span(CHECKOUT, REDIS, REDIS_AT, "redis", "GET", "session:?", "ok", false, 3, 0.4);
        span(CHECKOUT, PAYMENTS, PAYMENTS_AT, "http", "POST", "/v1/charges", "502", true, 2, 1480);
        span(BATCH, REDIS, REDIS_AT, "redis", "SET", "job:?", "ok", false, 1, 0.6);
    }

    private void span(String client, String server, String destination, String protocol, String operation,
                      String resource, String status, boolean error, int minutesAgo, double durationMs) {
        long startMs = now - minutesAgo * MINUTE;
        L7Request request = L7Request.newBuilder().setCluster("prod").setNode("node-a").setBootId("boot-1")
                .setSocketInode(7000 + minutesAgo).setSide(ObservedSide.CLIENT).setClientService(client)
                .setServerService(server).setDestination(destination).setCountingSide(true).setProtocol(protocol)
                .setOperation(operation).setResource(resource).setStatus(status).setError(error)
                .setStartEpochNs(startMs * 1_000_000L).setDurationNs(Math.round(durationMs * 1_000_000))
                .setFirstByteLatencyNs(Math.round(durationMs * 800_000)).setRequestBytes(180 + minutesAgo)
                .setResponseBytes(2048 + minutesAgo).build();
        writer.send(TapwireTopic.L7_REQUESTS, new ConnectionKey("prod", "node-a", "boot-1",
                request.getSocketInode()).format(), request, startMs);
    }

    private void events() {
        event(CHECKOUT, ServiceEventType.OOM_KILL, 202, "java", 5, null, 9, "memory cgroup limit 512 MiB");
        event(CHECKOUT, ServiceEventType.RESTART, 212, "java", 4, null, null, null);
        event(REDIS, ServiceEventType.CRASH, 404, "redis-server", 6, null, 11, null);
    }

    private void event(String service, ServiceEventType type, int pid, String comm, int minutesAgo, Integer exitCode,
                       Integer signal, String detail) {
        long timeMs = now - minutesAgo * MINUTE;
        ServiceEvent event = ServiceEvent.newBuilder().setService(service).setType(type)
                .setEpochNs(timeMs * 1_000_000L).setCluster("prod").setNode("node-a").setPid(pid).setComm(comm)
                .setExitCode(exitCode).setSignal(signal).setDetail(detail).build();
        writer.send(TapwireTopic.EVENTS, new ServiceKey(service).format(), event, timeMs);
    }
}
