package io.tapwire.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Each real server starts, its real client talks to it over TCP on 127.0.0.1, and the server's own counters
 * show exactly the requests the client made; closing stops every process of the server. Needs root and the
 * apt packages of bin/lib/prerequisites.sh.
 */
class ServersIT {

    private static final long POLL_MILLIS = 50;
    private static final long EVENTUALLY_MILLIS = 5_000;

    @Test
    void nginxLogsEveryRequestAndGuardsThePrivateLocationWithBasicAuth() {
        List<Long> processes = new ArrayList<>();
        try (Nginx nginx = new Nginx()) {
            processes.add(nginx.pid());
            processes.addAll(nginx.workerPids());
            assertThat(nginx.workerPids()).as("worker pids").hasSize(1).doesNotContain(nginx.pid());

            for (int request = 0; request < 5; request++) {
                assertThat(curl(nginx.url("/index.html"))).isEqualTo("200");
            }
            List<String> served = eventually(nginx::accessLogLines, lines -> lines.size() >= 5, "5 access log lines");
            assertThat(served).hasSize(5)
                    .allMatch(line -> line.contains("\"GET /index.html HTTP/1.1\" 200 "), "GET /index.html 200");

            assertThat(curl(nginx.url(Nginx.PROTECTED_PATH))).as("without credentials").isEqualTo("401");
            assertThat(curl("--user", Nginx.BASIC_AUTH_USER + ":" + Nginx.BASIC_AUTH_PASSWORD,
                    nginx.url(Nginx.PROTECTED_PATH))).as("with credentials").isEqualTo("200");
            List<String> all = eventually(nginx::accessLogLines, lines -> lines.size() >= 7, "7 access log lines");
            assertThat(all.subList(5, 7)).satisfiesExactly(
                    line -> assertThat(line).contains("\"GET /private/ HTTP/1.1\" 401 "),
                    line -> assertThat(line).contains("\"GET /private/ HTTP/1.1\" 200 "));
        }
        assertStopped(processes);
    }

    @Test
    void postgresCountsTheStatementsOfPsqlAndPgbench() {
        long pid;
        try (Postgres postgres = new Postgres()) {
            pid = postgres.pid();
            postgres.psql("CREATE TABLE tapwire_items (id int PRIMARY KEY, name text)");
            postgres.psql("INSERT INTO tapwire_items VALUES (1, 'one'), (2, 'two')");
            postgres.resetStatements();

            for (int query = 0; query < 3; query++) {
                assertThat(postgres.psql("SELECT count(*) FROM tapwire_items")).isEqualTo("2\n");
            }
            assertThat(postgres.statementCalls("SELECT count(*) FROM tapwire_items")).isEqualTo(3);

            postgres.pgbench("-i", "-s", "1", "-q");
            postgres.resetStatements();
            postgres.pgbench("-n", "-S", "-c", "2", "-t", "20");
            assertThat(postgres.statementCalls("SELECT abalance FROM pgbench_accounts WHERE aid = %"))
                    .as("select-only transactions of 2 clients x 20").isEqualTo(40);
        }
        assertStopped(List.of(pid));
    }

    @Test
    void mariaDbCountsTheStatementsOfTheMariadbClient() {
        long pid;
        try (MariaDb mariaDb = new MariaDb()) {
            pid = mariaDb.pid();
            mariaDb.mariadb("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))");
            long selects = mariaDb.comCounter("Com_select");
            long inserts = mariaDb.comCounter("Com_insert");

            mariaDb.mariadb("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
            for (int query = 0; query < 3; query++) {
                assertThat(mariaDb.mariadb("SELECT count(*) FROM items")).isEqualTo("2\n");
            }
            assertThat(mariaDb.comCounter("Com_select") - selects).as("Com_select").isEqualTo(3);
            assertThat(mariaDb.comCounter("Com_insert") - inserts).as("Com_insert").isEqualTo(1);
        }
        assertStopped(List.of(pid));
    }

    @Test
    void redisWithAPasswordCountsTheCommandsOfRedisCliAndRedisBenchmark() {
        long pid;
        try (Redis redis = new Redis("tapwire-secret")) {
            pid = redis.pid();
            assertThat(redis.redisCli("SET", "greeting", "hello")).isEqualTo("OK\n");
            assertThat(redis.redisCli("GET", "greeting")).isEqualTo("hello\n");
            assertThat(redis.commandCalls("set")).isEqualTo(1);

            redis.resetStats();
            redis.redisBenchmark("-n", "1024", "-t", "set,get", "-P", "16", "-q");
            assertThat(redis.commandCalls("set")).isEqualTo(1024);
            assertThat(redis.commandCalls("get")).isEqualTo(1024);
        }
        assertStopped(List.of(pid));
    }

    @Test
    void redisWithoutAPasswordAnswersRedisCli() {
        long pid;
        try (Redis redis = new Redis()) {
            pid = redis.pid();
            redis.resetStats();
            assertThat(redis.redisCli("PING")).isEqualTo("PONG\n");
            assertThat(redis.commandCalls("ping")).isEqualTo(1);
            assertThat(redis.commandCalls("auth")).isZero();
        }
        assertStopped(List.of(pid));
    }

    @Test
    void memcachedCountsTheSetsAndGetsOfLibmemcachedTools() {
        long pid;
        try (Memcached memcached = new Memcached()) {
            pid = memcached.pid();
            Map<String, Long> before = memcached.stats();

            memcached.set("first", "hello");
            memcached.set("second", "world");
            assertThat(memcached.memccat("first", "second")).isEqualTo("hello\nworld\n");
            Map<String, Long> after = memcached.stats();
            assertThat(after.get("cmd_set") - before.get("cmd_set")).as("cmd_set").isEqualTo(2);
            assertThat(after.get("cmd_get") - before.get("cmd_get")).as("cmd_get").isEqualTo(2);
            assertThat(after.get("get_hits") - before.get("get_hits")).as("get_hits").isEqualTo(2);

            memcached.memcslap("--test=set", "--execute-number=100");
            assertThat(memcached.stats().get("cmd_set") - after.get("cmd_set")).as("cmd_set of memcslap")
                    .isEqualTo(100);
        }
        assertStopped(List.of(pid));
    }

    @Test
    void dnsmasqAnswersDigFromItsStaticAddressesAndLogsTheQuery() {
        long pid;
        try (Dnsmasq dnsmasq = new Dnsmasq()) {
            pid = dnsmasq.pid();
            assertThat(dnsmasq.dig(Dnsmasq.TEST_NAME)).singleElement().asString()
                    .startsWith(Dnsmasq.TEST_NAME + ".").contains("\tA\t").endsWith(Dnsmasq.TEST_ADDRESS);
            assertThat(dnsmasq.dig("unknown.example")).as("a name without a static address").isEmpty();

            List<String> log = eventually(dnsmasq::queryLog,
                    lines -> lines.stream().anyMatch(line -> line.contains("query[A] unknown.example")), "the queries");
            assertThat(log).anyMatch(line -> line.endsWith("query[A] tapwire.test from 127.0.0.1"))
                    .anyMatch(line -> line.endsWith("config tapwire.test is 10.1.2.3"));
        }
        assertStopped(List.of(pid));
    }

    @Test
    void aMissingBinaryFailsNamingThePackageThatInstallsIt() {
        assertThatThrownBy(() -> Commands.require("/usr/bin/tapwire-no-such-tool", "tapwire-tools"))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("/usr/bin/tapwire-no-such-tool")
                .hasMessageContaining("apt-get install -y --no-install-recommends tapwire-tools");
    }

    /** The real curl; returns the HTTP status code. */
    private static String curl(String... args) {
        List<String> command = new ArrayList<>(List.of(Commands.require("/usr/bin/curl", "curl"),
                "--silent", "--show-error", "--output", "/dev/null", "--write-out", "%{http_code}"));
        command.addAll(List.of(args));
        return Commands.run(command);
    }

    private static <T> T eventually(Supplier<T> value, Predicate<T> condition, String what) {
        long deadline = System.currentTimeMillis() + EVENTUALLY_MILLIS;
        T current = value.get();
        while (!condition.test(current)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no " + what + " within " + EVENTUALLY_MILLIS + " ms; last seen: " + current);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            current = value.get();
        }
        return current;
    }

    private static void assertStopped(List<Long> pids) {
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d after close()", pid)
                    .isEmpty();
        }
    }
}
