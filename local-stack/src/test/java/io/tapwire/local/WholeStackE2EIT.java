package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.collector.app.TestCgroups;
import io.tapwire.collector.bpf.TestNetwork;
import io.tapwire.servers.Dnsmasq;
import io.tapwire.servers.MariaDb;
import io.tapwire.servers.Memcached;
import io.tapwire.servers.Nginx;
import io.tapwire.servers.Postgres;
import io.tapwire.servers.Redis;
import io.tapwire.kafka.broker.FreePorts;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.topics.TapwireTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack on this machine — broker, registry, topology and the collector with its eBPF programs, started
 * once — against real servers and their own clients: what each server counted itself (nginx's access log, Redis's
 * INFO commandstats, PostgreSQL's pg_stat_statements) comes out of the topology as requests of both sides, with the
 * right statuses and services, and the final L7 windows and the service edges count each request once.
 */
class WholeStackE2EIT {

    private static final int OK_REQUESTS = 12;
    private static final int MISSING_REQUESTS = 4;
    private static final int FAILING_REQUESTS = 3;

    @TempDir
    static Path data;
    private static LocalStack stack;
    private static StackTopics reader;
    private static StackApi api;

    @BeforeAll
    static void startTheStack() {
        int kafkaPort = FreePorts.pick();
        int controllerPort = FreePorts.pick(kafkaPort);
        int registryPort = FreePorts.pick(kafkaPort, controllerPort);
        int metricsPort = FreePorts.pick(kafkaPort, controllerPort, registryPort);
        int apiPort = FreePorts.pick(kafkaPort, controllerPort, registryPort, metricsPort);
        LocalStackConfig config = LocalStackConfig.parse("--data-dir", data.toString(),
                "--kafka-port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(controllerPort),
                "--registry-port", String.valueOf(registryPort), "--api-port", String.valueOf(apiPort),
                "--set", "tapwire.local.api-jar=" + LocalStackIT.API_JAR,
                "--set", "tapwire.collector.metrics-port=" + metricsPort,
                "--set", "tapwire.collector.heartbeat-interval=1s",
                // nginx and curl are this JVM's children, and the collector runs in this JVM: it would leave them out
                "--set", "tapwire.collector.exclude-self=false",
                // short windows, so the test sees them close
                "--set", "tapwire.streams.window-size=2s", "--set", "tapwire.streams.window-grace=10s",
                "--set", "tapwire.streams.pairing-window=2s", "--set", "tapwire.streams.edge-flush-interval=1s");
        stack = new LocalStack(config).start();
        reader = new StackTopics(stack);
        api = new StackApi(stack.apiUrl().orElseThrow());
        assertThat(stack.collector()).as("the collector runs in the stack").isPresent();
        assertThat(stack.collector().get().attachedPrograms()).as("L7 capture needs Linux 6.2 or later")
                .contains("tapwire_sys_exit");
    }

    @AfterAll
    static void stopTheStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void curlToNginxBecomesRequestsMetricsAndAnEdgeThatMatchNginxsAccessLog() throws Exception {
        try (Nginx nginx = new Nginx()) {
            for (int i = 0; i < OK_REQUESTS; i++) {
                curl(nginx.url("/"));
            }
            for (int i = 0; i < MISSING_REQUESTS; i++) {
                curl(nginx.url("/missing/" + i));
            }
            for (int i = 0; i < FAILING_REQUESTS; i++) {
                curl(nginx.url(Nginx.FAILING_PATH + i));
            }
            int total = OK_REQUESTS + MISSING_REQUESTS + FAILING_REQUESTS;
            awaitTrue(() -> nginx.accessLogLines().size() == total, Duration.ofSeconds(10), "nginx logged every request");
            Map<String, Integer> logged = new TreeMap<>();
            for (String line : nginx.accessLogLines()) {
                logged.merge(line.split("\"")[2].trim().split(" ")[0], 1, Integer::sum);
            }
            assertThat(logged).containsEntry("200", OK_REQUESTS).containsEntry("404", MISSING_REQUESTS)
                    .containsEntry("500", FAILING_REQUESTS);

            String destination = "127.0.0.1:" + nginx.port();
            List<L7Request> requests = reader.await(TapwireTopic.L7_REQUESTS, L7Request.class,
                    r -> r.getDestination().equals(destination), found -> found.size() >= 2 * total,
                    Duration.ofSeconds(90));
            assertThat(requests).hasSize(2 * total);
            for (ObservedSide side : List.of(ObservedSide.CLIENT, ObservedSide.SERVER)) {
                Map<String, Integer> byStatus = new TreeMap<>();
                requests.stream().filter(r -> r.getSide() == side).forEach(r -> byStatus.merge(r.getStatus(), 1, Integer::sum));
                assertThat(byStatus).as(side + " side against nginx's access log").isEqualTo(logged);
            }
            assertThat(requests).filteredOn(L7Request::getCountingSide).hasSize(total)
                    .allSatisfy(r -> assertThat(r.getSide()).isEqualTo(ObservedSide.CLIENT));
            assertThat(requests).filteredOn(r -> r.getStatus().equals("404"))
                    .allSatisfy(r -> assertThat(r.getResource()).isEqualTo("/missing/{id}"));

            // the services are the ones the process registry gave nginx's worker and the curl processes
            Map<Long, String> services = reader.services();
            String nginxService = services.get(nginx.workerPids().get(0));
            assertThat(nginxService).as("nginx's worker in tapwire.processes.v1").isNotNull();
            assertThat(requests).allSatisfy(r -> assertThat(r.getServerService()).isEqualTo(nginxService));
            L7Request first = requests.stream().filter(r -> r.getSide() == ObservedSide.CLIENT).findFirst().orElseThrow();
            assertThat(first.getClientService()).isEqualTo(services.get((long) first.getPid()));

            // the metrics' final windows and the edge count each request once
            List<L7Metric> finals = reader.await(TapwireTopic.L7_METRICS, L7Metric.class,
                    m -> m.getFinal$() && m.getDestination().equals(destination) && m.getCountingSide(),
                    found -> found.stream().mapToLong(L7Metric::getRequests).sum() >= total, Duration.ofSeconds(60));
            assertThat(finals.stream().mapToLong(L7Metric::getRequests).sum()).isEqualTo(total);
            assertThat(finals.stream().mapToLong(L7Metric::getErrors).sum()).as("the 500s are errors, the 404s not")
                    .isEqualTo(FAILING_REQUESTS);
            assertThat(finals.stream().mapToLong(m -> m.getLatencyBucketCounts().stream().mapToLong(Long::longValue).sum()).sum())
                    .as("histogram counts equal the request counts").isEqualTo(total);
            List<ServiceEdge> edges = reader.await(TapwireTopic.SERVICE_EDGES, ServiceEdge.class,
                    e -> e.getServerService().equals(nginxService),
                    found -> !found.isEmpty() && found.get(found.size() - 1).getRequests() >= total,
                    Duration.ofSeconds(90));
            assertThat(edges.get(edges.size() - 1)).satisfies(edge -> {
                assertThat(edge.getRequests()).isEqualTo(total);
                assertThat(edge.getErrors()).isEqualTo(FAILING_REQUESTS);
                assertThat(edge.getProtocols()).containsExactly("http", "tcp");
            });

            // the API: Coroot's families count the client's and the server's view by status, the histograms count
            // every request, and the spans hold the real paths
            String curlService = first.getClientService();
            Map<String, String> outbound = Map.of("container_id", curlService, "destination", destination);
            api.awaitMetric("container_http_requests_total", outbound, total, Duration.ofSeconds(60));
            assertThat(api.metricByLabel("container_http_requests_total", outbound, "status"))
                    .isEqualTo(Map.of("2xx", (double) OK_REQUESTS, "4xx", (double) MISSING_REQUESTS,
                            "5xx", (double) FAILING_REQUESTS));
            assertThat(api.metricByLabel("container_http_inbound_requests_total", Map.of("container_id", nginxService),
                    "status")).isEqualTo(Map.of("2xx", (double) OK_REQUESTS, "4xx", (double) MISSING_REQUESTS,
                    "5xx", (double) FAILING_REQUESTS));
            assertThat(api.metricSum("container_http_requests_duration_seconds_total_count", outbound))
                    .as("the histogram counts every request").isEqualTo(total);
            JsonNode spans = api.get("/api/v1/spans?service=" + StackApi.encode(nginxService) + "&protocol=http&limit=1000");
            List<JsonNode> missing = new ArrayList<>();
            spans.get("items").forEach(span -> {
                if (span.get("side").asText().equals("client") && span.get("status").asText().equals("404")) {
                    missing.add(span);
                }
            });
            assertThat(missing).hasSize(MISSING_REQUESTS).allSatisfy(span -> {
                assertThat(span.get("resource").asText()).isEqualTo("/missing/{id}");
                assertThat(span.get("clientService").asText()).isEqualTo(curlService);
                assertThat(span.get("error").asBoolean()).as("a 404 is the client's error, not the server's").isFalse();
            });
        }
    }

    @Test
    void pipelinedRedisCommandsAreAllPairedAndMatchRedisCommandStats() throws Exception {
        try (Redis redis = new Redis()) {
            redis.resetStats();
            redis.redisBenchmark("-t", "set,get", "-n", "800", "-P", "16", "-c", "2", "-q");
            long sets = redis.commandCalls("set");
            long gets = redis.commandCalls("get");
            assertThat(sets).as("redis-benchmark ran").isGreaterThanOrEqualTo(800);

            String destination = "127.0.0.1:" + redis.port();
            List<L7Request> requests = reader.await(TapwireTopic.L7_REQUESTS, L7Request.class,
                    r -> r.getDestination().equals(destination) && r.getSide() == ObservedSide.SERVER
                            && (r.getOperation().equals("SET") || r.getOperation().equals("GET")),
                    found -> found.size() >= sets + gets, Duration.ofSeconds(90));
            Map<String, Long> byOperation = new TreeMap<>();
            requests.forEach(r -> byOperation.merge(r.getOperation(), 1L, Long::sum));
            assertThat(byOperation).as("the server's view against INFO commandstats")
                    .isEqualTo(Map.of("GET", gets, "SET", sets));
            assertThat(requests).noneMatch(L7Request::getError);

            List<L7Metric> finals = reader.await(TapwireTopic.L7_METRICS, L7Metric.class,
                    m -> m.getFinal$() && m.getDestination().equals(destination) && m.getSide().equals("client"),
                    found -> found.stream().mapToLong(L7Metric::getRequests).sum() >= sets + gets,
                    Duration.ofSeconds(60));
            assertThat(finals).allSatisfy(m -> assertThat(m.getProtocol()).isEqualTo("redis"));
            assertThat(finals.stream().mapToLong(L7Metric::getRequests).sum())
                    .as("the client's view: the CONFIG GETs redis-benchmark sends first besides the SETs and GETs")
                    .isEqualTo(sets + gets + redis.commandCalls("config|get"));
        }
    }

    @Test
    void postgresStatementsAndTheirErrorsMatchPgStatStatements() throws Exception {
        try (Postgres postgres = new Postgres()) {
            postgres.resetStatements();
            int selects = 6;
            int failures = 3;
            for (int i = 0; i < selects; i++) {
                postgres.psql("SELECT " + i + " AS n");
            }
            for (int i = 0; i < failures; i++) {
                assertThatThrownBy(() -> postgres.psql("SELECT * FROM no_such_table")).as("psql reports the error");
            }
            long counted = postgres.statementCalls("SELECT $1 AS n");
            assertThat(counted).as("pg_stat_statements").isEqualTo(selects);

            String destination = "127.0.0.1:" + postgres.port();
            List<L7Request> requests = reader.await(TapwireTopic.L7_REQUESTS, L7Request.class,
                    r -> r.getDestination().equals(destination) && r.getSide() == ObservedSide.CLIENT
                            && r.getResource() != null && (r.getResource().startsWith("SELECT ? AS n")
                            || r.getResource().contains("no_such_table")),
                    found -> found.size() >= selects + failures, Duration.ofSeconds(90));
            assertThat(requests).filteredOn(r -> r.getResource().equals("SELECT ? AS n")).hasSize((int) counted)
                    .allSatisfy(r -> assertThat(r.getError()).isFalse());
            assertThat(requests).filteredOn(r -> r.getResource().contains("no_such_table")).hasSize(failures)
                    .allSatisfy(r -> {
                        assertThat(r.getError()).isTrue();
                        assertThat(r.getStatus()).isEqualTo("failed");
                        assertThat(r.getErrorDetail()).as("SQLSTATE undefined_table").startsWith("42P01 ");
                    });

            // pgbench's select-only transactions, two clients
            postgres.pgbench("-i", "-s", "1", "-q");
            postgres.resetStatements();
            postgres.pgbench("-n", "-S", "-c", "2", "-t", "50");
            long pgbenchSelects = postgres.statementCalls("SELECT abalance FROM pgbench_accounts WHERE aid = %");
            assertThat(pgbenchSelects).as("pg_stat_statements").isEqualTo(100);
            Predicate<L7Request> pgbenchSelect = r -> r.getResource().startsWith("SELECT abalance FROM pgbench_accounts");
            List<L7Request> benchRequests = reader.await(TapwireTopic.L7_REQUESTS, L7Request.class,
                    r -> r.getDestination().equals(destination) && r.getSide() == ObservedSide.CLIENT
                            && r.getResource() != null && !r.getResource().startsWith("SELECT ? AS n"),
                    found -> found.stream().filter(pgbenchSelect).count() >= pgbenchSelects, Duration.ofSeconds(90));
            assertThat(benchRequests).filteredOn(pgbenchSelect).hasSize((int) pgbenchSelects)
                    .allSatisfy(r -> assertThat(r.getResource()).isEqualTo("SELECT abalance FROM pgbench_accounts WHERE aid = ?;"))
                    .noneMatch(L7Request::getError);

            // the API's spans hold the statements as the topology normalised them
            String server = requests.get(0).getServerService();
            List<String> resources = new ArrayList<>();
            api.get("/api/v1/spans?service=" + StackApi.encode(server) + "&protocol=postgres&status=failed&limit=100")
                    .get("items").forEach(span -> resources.add(span.get("resource").asText()));
            assertThat(resources).as("failed statements in the spans").contains("SELECT * FROM no_such_table");
        }
    }

    @Test
    void mariadbQueriesAndAnErrorMatchComSelect() throws Exception {
        try (MariaDb mariadb = new MariaDb()) {
            long before = mariadb.comCounter("Com_select");
            mariadb.mariadb("SELECT 1 AS tapwire_one; SELECT 2 AS tapwire_two");
            assertThatThrownBy(() -> mariadb.mariadb("SELECT * FROM no_such_table")).as("the client reports the error");
            long selects = mariadb.comCounter("Com_select") - before;

            String destination = "127.0.0.1:" + mariadb.port();
            List<L7Request> requests = reader.await(TapwireTopic.L7_REQUESTS, L7Request.class,
                    r -> r.getDestination().equals(destination) && r.getSide() == ObservedSide.SERVER
                            && "SELECT".equals(r.getOperation()),
                    found -> found.size() >= selects, Duration.ofSeconds(90));
            assertThat(requests).as("the server's SELECTs against Com_select (which counts the failed one too)")
                    .hasSize((int) selects);
            assertThat(requests).filteredOn(L7Request::getError).singleElement().satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo("failed");
                assertThat(r.getErrorDetail()).as("ER_NO_SUCH_TABLE").startsWith("1146");
            });
            assertThat(requests).extracting(L7Request::getProtocol).containsOnly("mysql");
        }
    }

    @Test
    void memcachedHitsAndAMissMatchItsStats() throws Exception {
        try (Memcached memcached = new Memcached()) {
            Map<String, Long> before = memcached.stats();
            memcached.set("tapwire_key", "value");
            assertThat(memcached.memccat("tapwire_key")).contains("value");
            assertThatThrownBy(() -> memcached.memccat("tapwire_missing")).as("memccat exits 1 on a miss");
            Map<String, Long> after = memcached.stats();
            long sets = after.get("cmd_set") - before.get("cmd_set");
            long gets = after.get("cmd_get") - before.get("cmd_get");
            long misses = after.get("get_misses") - before.get("get_misses");

            String destination = "127.0.0.1:" + memcached.port();
            List<L7Request> requests = reader.await(TapwireTopic.L7_REQUESTS, L7Request.class,
                    // the stats() calls are requests too (this JVM is traced): only the set and the gets count
                    r -> r.getDestination().equals(destination) && r.getSide() == ObservedSide.CLIENT
                            && (r.getOperation().equals("set") || r.getOperation().equals("get")),
                    found -> found.size() >= sets + gets, Duration.ofSeconds(90));
            assertThat(requests).hasSize((int) (sets + gets));
            assertThat(requests).filteredOn(r -> r.getOperation().equals("set")).hasSize((int) sets);
            assertThat(requests).filteredOn(r -> r.getOperation().equals("get")).hasSize((int) gets)
                    .as("a miss is a successful request").noneMatch(L7Request::getError);
            assertThat(misses).isEqualTo(1);
        }
    }

    @Test
    void digsQueriesMatchDnsmasqsQueryLog() throws Exception {
        try (Dnsmasq dns = new Dnsmasq()) {
            for (int i = 0; i < 3; i++) {
                assertThat(dns.dig(Dnsmasq.TEST_NAME)).anySatisfy(line -> assertThat(line).contains(Dnsmasq.TEST_ADDRESS));
            }
            long logged = dns.queryLog().stream().filter(line -> line.contains("query[A] " + Dnsmasq.TEST_NAME)).count();

            String destination = "127.0.0.1:" + dns.port();
            List<L7Request> requests = reader.await(TapwireTopic.L7_REQUESTS, L7Request.class,
                    r -> r.getDestination().equals(destination) && r.getSide() == ObservedSide.CLIENT,
                    found -> found.size() >= logged, Duration.ofSeconds(90));
            Map<Long, String> services = reader.services();
            assertThat(requests).hasSize((int) logged).allSatisfy(r -> {
                assertThat(r.getClientService()).as("dig's UDP socket is named by dig's service")
                        .isEqualTo(services.get((long) r.getPid()));
                assertThat(r.getProtocol()).isEqualTo("dns");
                assertThat(r.getOperation()).isEqualTo("A");
                assertThat(r.getResource()).isEqualTo(Dnsmasq.TEST_NAME);
                assertThat(r.getStatus()).isEqualTo("ok");
            });
            // Coroot's DNS family on /metrics counts the same queries by type, name and answer
            api.awaitMetric("container_dns_requests_total", Map.of("container_id", requests.get(0).getClientService(),
                    "request_type", "A", "domain", Dnsmasq.TEST_NAME, "status", "ok"), logged, Duration.ofSeconds(60));
        }
    }

    @Test
    void aConnectToAClosedPortIsAFailedConnectOfItsClient() throws Exception {
        // 127.0.0.2, where none of the other tests' servers listened: a port one of them used on 127.0.0.1 would
        // bring its connections into this destination's metrics
        int closed = FreePorts.pick();
        String destination = "127.0.0.2:" + closed;
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "http://" + destination + "/")
                .redirectErrorStream(true).start();
        assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as("curl: connection refused").isEqualTo(7);

        List<TcpMetric> finals = reader.await(TapwireTopic.TCP_METRICS, TcpMetric.class,
                m -> m.getFinal$() && m.getDestination().equals(destination),
                found -> found.stream().mapToLong(TcpMetric::getFailedConnects).sum() >= 1, Duration.ofSeconds(60));
        assertThat(finals.stream().mapToLong(TcpMetric::getFailedConnects).sum()).isEqualTo(1);
        assertThat(finals.stream().mapToLong(TcpMetric::getSuccessfulConnects).sum()).isZero();
        String client = finals.get(0).getClientService();
        assertThat(client).as("named by the process that tried").isEqualTo("/host/curl");
        api.awaitMetric("container_net_tcp_failed_connects_total",
                Map.of("container_id", client, "destination", destination), 1, Duration.ofSeconds(60));
    }

    @Test
    void retransmissionsOverAVethPairMatchTheKernelsRetransSegs() throws Exception {
        KernelPrerequisites.ip();
        try (TestNetwork network = TestNetwork.create()) {
            String destination;
            long before;
            long sent;
            try (TestNetwork.Connection connection = network.connect()) {
                destination = TestNetwork.SERVER_ADDRESS + ":" + connection.port();
                before = network.retransSegs(network.clientNamespace());
                sent = network.writeAcrossALinkDrop(connection);
            }
            reader.await(TapwireTopic.TCP_METRICS, TcpMetric.class,
                    m -> m.getFinal$() && m.getDestination().equals(destination),
                    found -> found.stream().mapToLong(TcpMetric::getClosedConnections).sum() >= 1, Duration.ofSeconds(60));
            // read once the close is long past: until then the FIN itself may still be retransmitted
            long retransSegs = network.retransSegs(network.clientNamespace()) - before;
            assertThat(retransSegs).as("the link drop made the kernel retransmit").isPositive();
            List<TcpMetric> finals = reader.await(TapwireTopic.TCP_METRICS, TcpMetric.class,
                    m -> m.getFinal$() && m.getDestination().equals(destination),
                    found -> found.stream().mapToLong(TcpMetric::getRetransmits).sum() >= retransSegs,
                    Duration.ofSeconds(60));
            assertThat(finals.stream().mapToLong(TcpMetric::getRetransmits).sum()).as("RetransSegs of the namespace")
                    .isEqualTo(retransSegs);
            assertThat(finals.stream().mapToLong(TcpMetric::getBytesSent).sum()).as("bytes the client sent")
                    .isEqualTo(sent);
            api.awaitMetric("container_net_tcp_retransmits_total",
                    Map.of("container_id", finals.get(0).getClientService(), "destination", destination), retransSegs,
                    Duration.ofSeconds(60));
        }
    }

    @Test
    void anOomKillIsAnEventOfItsService() throws Exception {
        try (TestCgroups cgroups = new TestCgroups()) {
            int pid = (int) cgroups.awkKilledByItsMemoryLimit().pid();

            List<ServiceEvent> events = reader.await(TapwireTopic.EVENTS, ServiceEvent.class, e -> e.getPid() == pid,
                    found -> found.stream().anyMatch(e -> e.getType() == ServiceEventType.OOM_KILL), Duration.ofSeconds(60));
            ServiceEvent oom = events.stream().filter(e -> e.getType() == ServiceEventType.OOM_KILL).findFirst().orElseThrow();
            // /usr/bin/awk is a link to gawk or mawk: named by the name it was started by
            assertThat(oom.getService()).as("named by the executable it was started as").isEqualTo("/host/awk");
            assertThat(oom.getComm()).isEqualTo("awk");
        }
    }

    private static void curl(String url) throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", url).redirectErrorStream(true).start();
        assertThat(curl.waitFor(10, TimeUnit.SECONDS)).as("curl " + url).isTrue();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
