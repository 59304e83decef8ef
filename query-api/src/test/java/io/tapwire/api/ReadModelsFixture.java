package io.tapwire.api;

import static io.tapwire.api.DerivedRecords.API;
import static io.tapwire.api.DerivedRecords.NGINX;
import static io.tapwire.api.DerivedRecords.NGINX_AT;
import static io.tapwire.api.DerivedRecords.POSTGRES;
import static io.tapwire.api.DerivedRecords.POSTGRES_AT;
import static io.tapwire.api.DerivedRecords.REDIS;
import static io.tapwire.api.DerivedRecords.REDIS_AT;
import static io.tapwire.api.DerivedRecords.edge;
import static io.tapwire.api.DerivedRecords.event;
import static io.tapwire.api.DerivedRecords.key;
import static io.tapwire.api.DerivedRecords.l7;
import static io.tapwire.api.DerivedRecords.span;
import static io.tapwire.api.DerivedRecords.tcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tapwire.api.graph.Processes;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.derived.ServiceKind;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.schemas.topics.TapwireTopic;

/**
 * The cluster of {@link ReadModelsIT} with its data written before the API starts (the API reads from the earliest
 * offsets): spans around "now" and final windows of L7 and TCP metrics, in committed and aborted transactions, one
 * final window written twice. Each partition ends with a sentinel of its own, so the test knows when the API has read
 * everything before it.
 */
public class ReadModelsFixture implements QuarkusTestResourceLifecycleManager {

    /** The fixture's "now", epoch ms, as a config value the test reads back (the two may not share static state). */
    static final String NOW = "tapwire.test.fixture-now-ms";
    static final String WORKER = "/system.slice/worker.service";
    static final String GONE = "/host/gone-client";
    static final String ABORTED = "/host/aborted";
    static final String LAST_EDGE_SERVER = REDIS;
    static final int LAST_EVENT_PID = 400;
    static final String[] SENTINELS = {"/sentinel/0", "/sentinel/1", "/sentinel/2"};

    private DerivedTopicsCluster cluster;
    private Path stateDir;

    @Override
    public Map<String, String> start() {
        cluster = new DerivedTopicsCluster();
        long now = System.currentTimeMillis();
        try (DerivedTopicsWriter writer = cluster.writer()) {
            stateDir = Files.createTempDirectory("tapwire-api-state-");
            writeSpans(writer, now);
            writeMetrics(writer, now / 10_000 * 10_000 - 600_000);
            writeGraphAndEvents(writer, now, now / 10_000 * 10_000 - 600_000);
            return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, cluster.bootstrapServers(),
                    "tapwire.registry.url", cluster.registryUrl(),
                    ReadModelSettings.STATE_DIR, stateDir.toString(),
                    ReadModelSettings.CHECKPOINT_INTERVAL, "100ms",
                    NOW, Long.toString(now));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All on partition 0, the aborted one before the last committed one. */
    private static void writeSpans(DerivedTopicsWriter writer, long now) {
        long minute = 60_000;
        writer.begin();
        writer.send(0, span(ObservedSide.CLIENT, API, NGINX, NGINX_AT, "http", "GET", "/old", "200", false,
                now - 120 * minute, 1));
        writer.send(0, span(ObservedSide.CLIENT, WORKER, NGINX, NGINX_AT, "http", "GET", "/jobs", "200", false,
                now - 20 * minute, 5));
        writer.send(0, span(ObservedSide.CLIENT, API, NGINX, NGINX_AT, "http", "POST", "/orders", "503", true,
                now - 5 * minute, 1500));
        writer.send(0, span(ObservedSide.CLIENT, API, REDIS, REDIS_AT, "redis", "GET", "session:?", "ok", false,
                now - 4 * minute, 0.4));
        writer.send(0, span(ObservedSide.CLIENT, API, POSTGRES, POSTGRES_AT, "postgres", "INSERT",
                "INSERT INTO orders VALUES (?)", "failed", true, now - 3 * minute, 250));
        writer.send(0, span(ObservedSide.CLIENT, API, POSTGRES, POSTGRES_AT, "postgres", "SELECT",
                "SELECT * FROM users WHERE id = ?", "ok", false, now - 2 * minute, 3));
        writer.commit();
        writer.begin();
        writer.send(0, span(ObservedSide.CLIENT, API, NGINX, NGINX_AT, "http", "DELETE", "/aborted", "200", false,
                now - 30_000, 1));
        writer.abort();
        writer.begin();
        writer.send(0, span(ObservedSide.SERVER, API, NGINX, NGINX_AT, "http", "GET", "/users/{id}", "200", false,
                now - minute + 1, 10));
        writer.send(0, span(ObservedSide.CLIENT, API, NGINX, NGINX_AT, "http", "GET", "/users/{id}", "200", false,
                now - minute, 12.5));
        writer.commit();
    }

    private static void writeMetrics(DerivedTopicsWriter writer, long w0) {
        long w1 = w0 + 10_000;
        writer.begin();
        // L7, partition 0: outbound HTTP; one window updated before it is final (the final replaces the update), one
        // final delivered twice
        writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "404", w0, false, 0, new double[2]));
        writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "404", w0, true, 0, 0.001, 0.002, 0.003));
        writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "200", w0, true, 0, 0.001, 0.002, 0.003, 0.05,
                0.07));
        writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "200", w1, true, 0, 0.008, 0.2));
        writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "503", w0, true, 1, 0.9));
        writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "200", w0, true, 0, 0.001, 0.002, 0.003, 0.05,
                0.07));
        // L7, partition 1: the server's view of the same HTTP requests, and PostgreSQL
        writer.send(1, l7("server", API, NGINX, NGINX_AT, "http", "200", w0, true, 0, 0.001, 0.001, 0.002, 0.04,
                0.06));
        writer.send(1, l7("server", API, NGINX, NGINX_AT, "http", "503", w0, true, 1, 0.8));
        writer.send(1, l7("client", API, POSTGRES, POSTGRES_AT, "postgres", "ok", w0, true, 0, 0.002, 0.002, 0.002,
                0.002, 0.002, 0.002, 0.002, 0.002, 0.002, 0.002));
        writer.send(1, l7("client", API, POSTGRES, POSTGRES_AT, "postgres", "failed", w0, true, 2, 0.3, 0.3));
        writer.send(1, l7("server", API, POSTGRES, POSTGRES_AT, "postgres", "ok", w0, true, 0, 0.001, 0.001, 0.001,
                0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001));
        // L7, partition 2: Redis, and DNS (which has no Coroot family here)
        writer.send(2, l7("client", API, REDIS, REDIS_AT, "redis", "ok", w0, true, 0, 0.0004, 0.0004, 0.0004, 0.0004));
        writer.send(2, l7("client", API, "10.0.0.53:53", "10.0.0.53:53", "dns", "nxdomain", w0, true, 0, 0.01));
        // TCP, partition 0
        writer.send(0, tcp(API, NGINX_AT, NGINX, w0, true).setSuccessfulConnects(3).setFailedConnects(1)
                .setConnectTimeSumSeconds(0.003).setActiveConnections(2).setRetransmits(4).setBytesSent(1000)
                .setBytesReceived(5000).build());
        writer.send(0, tcp(API, NGINX_AT, NGINX, w1, false).setSuccessfulConnects(1).setActiveConnections(7).build());
        writer.send(0, tcp(API, NGINX_AT, NGINX, w1, true).setSuccessfulConnects(1).setActiveConnections(1)
                .setBytesSent(100).setBytesReceived(200).build());
        writer.commit();

        writer.begin();
        writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "200", w1 + 10_000, true, 0, new double[1000]));
        writer.send(0, tcp(API, NGINX_AT, NGINX, w1 + 10_000, true).setSuccessfulConnects(1000)
                .setActiveConnections(99).build());
        writer.abort();

        writer.begin();
        for (int partition = 0; partition < SENTINELS.length; partition++) {
            writer.send(partition, l7("client", SENTINELS[partition], NGINX, NGINX_AT, "http", "200", w0, true, 0,
                    0.001));
            writer.send(partition, tcp(SENTINELS[partition], NGINX_AT, NGINX, w0, true).setSuccessfulConnects(1)
                    .build());
        }
        writer.commit();
    }

    /**
     * Processes, edges and events, all on partition 0: each aborted transaction and tombstone before the last
     * committed records, which the tests wait for ({@link #LAST_EVENT_PID}, the edge to {@link #LAST_EDGE_SERVER}).
     */
    private static void writeGraphAndEvents(DerivedTopicsWriter writer, long now, long w0) {
        long hour = 3_600_000;
        writer.begin();
        writer.send(0, Processes.process("node-1", 100, API, ServiceKind.SYSTEMD, now - hour, null));
        writer.send(0, Processes.process("node-1", 200, NGINX, ServiceKind.SYSTEMD, now - hour, null));
        writer.send(0, Processes.process("node-2", 201, NGINX, ServiceKind.SYSTEMD, now - hour, null));
        writer.send(0, Processes.process("node-2", 300, POSTGRES, ServiceKind.SYSTEMD, now - hour, null));
        writer.send(0, Processes.process("node-1", 400, WORKER, ServiceKind.HOST, now - 2 * hour, now - 20 * 60_000L));
        ProcessInfo gone = Processes.process("node-1", 401, WORKER, ServiceKind.HOST, now - 2 * hour, now - hour);
        writer.send(0, gone);
        writer.delete(TapwireTopic.PROCESSES, 0, Processes.key(gone), now - hour);
        writer.send(0, edge(API, NGINX, w0 - hour, w0 + 20_000, "http", "tcp"));
        writer.send(0, edge(API, POSTGRES, w0 - hour, w0 + 10_000, "postgres", "tcp"));
        writer.send(0, edge(GONE, NGINX, w0 - hour, w0));
        writer.delete(TapwireTopic.SERVICE_EDGES, 0, key(edge(GONE, NGINX, 0, 0)), w0);
        writer.send(0, event(ServiceEventType.OOM_KILL, POSTGRES, "node-2", 300, now - 3 * 60_000, null, 9,
                "anon-rss 20480 kB"));
        writer.send(0, event(ServiceEventType.CRASH, NGINX, "node-1", 200, now - 2 * 60_000, null, 11, null));
        // nginx listens on 0.0.0.0:80 in a namespace with two addresses, one of them closed again
        for (String address : List.of("10.0.0.1:80", "127.0.0.1:80", "10.0.0.9:80")) {
            writer.send(0, ListenerInfo.newBuilder().setCluster("prod").setNode("node-1").setNetnsInode(4026531840L)
                    .setAddress(address).setPid(200).setStartTimeTicks(1).setService(NGINX).setFromWildcard(true)
                    .setUpdatedAtEpochNs((now - hour) * 1_000_000L).build());
        }
        writer.delete(TapwireTopic.LISTENERS, 0, new ListenerKey("prod", "node-1", 4026531840L, "10.0.0.9:80").format(),
                now - hour);
        writer.commit();

        writer.begin();
        writer.send(0, edge(ABORTED, NGINX, w0, w0 + 10_000, "http"));
        writer.send(0, event(ServiceEventType.CRASH, ABORTED, "node-1", 999, now - 30_000, null, 6, null));
        writer.abort();

        writer.begin();
        writer.send(0, event(ServiceEventType.EXIT_ERROR, WORKER, "node-1", LAST_EVENT_PID, now - 60_000, 1, null,
                null));
        writer.send(0, edge(API, LAST_EDGE_SERVER, w0 - hour, w0 + 10_000, "redis", "tcp"));
        writer.commit();
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (stateDir != null) {
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
