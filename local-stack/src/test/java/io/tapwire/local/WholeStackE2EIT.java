package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.tapwire.collector.servers.Dnsmasq;
import io.tapwire.collector.servers.MariaDb;
import io.tapwire.collector.servers.Memcached;
import io.tapwire.collector.servers.Nginx;
import io.tapwire.collector.servers.Postgres;
import io.tapwire.collector.servers.Redis;
import io.tapwire.kafka.broker.FreePorts;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
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

    @TempDir
    static Path data;
    private static LocalStack stack;
    private static Reader reader;

    @BeforeAll
    static void startTheStack() {
        int kafkaPort = FreePorts.pick();
        int controllerPort = FreePorts.pick(kafkaPort);
        int registryPort = FreePorts.pick(kafkaPort, controllerPort);
        int metricsPort = FreePorts.pick(kafkaPort, controllerPort, registryPort);
        LocalStackConfig config = LocalStackConfig.parse("--data-dir", data.toString(),
                "--kafka-port", String.valueOf(kafkaPort), "--controller-port", String.valueOf(controllerPort),
                "--registry-port", String.valueOf(registryPort),
                "--set", "tapwire.collector.metrics-port=" + metricsPort,
                "--set", "tapwire.collector.heartbeat-interval=1s",
                // nginx and curl are this JVM's children, and the collector runs in this JVM: it would leave them out
                "--set", "tapwire.collector.exclude-self=false",
                // short windows, so the test sees them close
                "--set", "tapwire.streams.window-size=2s", "--set", "tapwire.streams.window-grace=10s",
                "--set", "tapwire.streams.pairing-window=2s", "--set", "tapwire.streams.edge-flush-interval=1s");
        stack = new LocalStack(config).start();
        reader = new Reader(stack);
        assertThat(stack.collector()).as("the collector runs in the stack").isPresent();
        assertThat(stack.collector().get().attachedPrograms()).as("L7 capture needs Linux 6.2 or later")
                .contains("tapwire_write_exit");
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
            int total = OK_REQUESTS + MISSING_REQUESTS;
            awaitTrue(() -> nginx.accessLogLines().size() == total, Duration.ofSeconds(10), "nginx logged every request");
            Map<String, Integer> logged = new TreeMap<>();
            for (String line : nginx.accessLogLines()) {
                logged.merge(line.split("\"")[2].trim().split(" ")[0], 1, Integer::sum);
            }
            assertThat(logged).containsEntry("200", OK_REQUESTS).containsEntry("404", MISSING_REQUESTS);

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
            assertThat(finals.stream().mapToLong(m -> m.getLatencyBucketCounts().stream().mapToLong(Long::longValue).sum()).sum())
                    .as("histogram counts equal the request counts").isEqualTo(total);
            List<ServiceEdge> edges = reader.await(TapwireTopic.SERVICE_EDGES, ServiceEdge.class,
                    e -> e.getServerService().equals(nginxService),
                    found -> !found.isEmpty() && found.get(found.size() - 1).getRequests() >= total,
                    Duration.ofSeconds(90));
            assertThat(edges.get(edges.size() - 1)).satisfies(edge -> {
                assertThat(edge.getRequests()).isEqualTo(total);
                assertThat(edge.getProtocols()).containsExactly("http", "tcp");
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

    /** Reads the stack's topics from the beginning, committed records only, as a downstream consumer would. */
    private static final class Reader {
        private final LocalStack stack;
        private final RegistryClient registry;

        Reader(LocalStack stack) {
            this.stack = stack;
            this.registry = new RegistryClient(RegistryClientConfig.of(stack.registryUrl()));
        }

        <V extends SpecificRecord> List<V> await(TapwireTopic topic, Class<V> type, Predicate<V> wanted,
                                                 Predicate<List<V>> done, Duration timeout) {
            List<V> found = new ArrayList<>();
            try (KafkaConsumer<String, V> consumer = consumer(type)) {
                consumer.subscribe(List.of(topic.topicName()));
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!done.test(found) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() != null && wanted.test(record.value())) {
                            found.add(record.value());
                        }
                    }
                }
            }
            assertThat(done.test(found)).as(topic.topicName() + " within " + timeout + ": " + found).isTrue();
            return found;
        }

        /** The service of every process in tapwire.processes.v1, by pid. */
        Map<Long, String> services() {
            Map<Long, String> services = new HashMap<>();
            try (KafkaConsumer<String, ProcessInfo> consumer = consumer(ProcessInfo.class)) {
                consumer.subscribe(List.of(TapwireTopic.PROCESSES.topicName()));
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                int emptyPolls = 0;
                while (emptyPolls < 4 && System.nanoTime() < deadline) {
                    var batch = consumer.poll(Duration.ofMillis(500));
                    emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
                    for (ConsumerRecord<String, ProcessInfo> record : batch) {
                        if (record.value() != null) {
                            services.put((long) record.value().getPid(), record.value().getService());
                        }
                    }
                }
            }
            return services;
        }

        private <V extends SpecificRecord> KafkaConsumer<String, V> consumer(Class<V> type) {
            return new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + type.getSimpleName() + "-" + System.nanoTime(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new TapwireAvroDeserializer<>(type, registry));
        }
    }
}
