package io.tapwire.collector.app;

import static io.tapwire.collector.app.PayloadStreams.count;
import static io.tapwire.collector.app.PayloadStreams.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import io.tapwire.servers.Dnsmasq;
import io.tapwire.servers.MariaDb;
import io.tapwire.servers.Memcached;
import io.tapwire.servers.Nginx;
import io.tapwire.servers.Postgres;
import io.tapwire.servers.Redis;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * L7 payload capture end to end: real servers from Debian and their own clients on loopback, the collector in this
 * JVM, and the records as they reach {@code tapwire.raw.l7.v1}. The truth is the servers' own counters (nginx's
 * access log, pg_stat_statements, MariaDB's Com_* status, Redis' commandstats, memcached's stats, dnsmasq's query
 * log) and the kernel's TCP counters in {@code tapwire.raw.tcp.v1}.
 */
class L7RecordsKernelIT {

    private static CollectorStack stack;

    private static Collector collector;

    @BeforeAll
    static void startStack() {
        stack = CollectorStack.startKafka();
        Properties props = stack.collectorProperties();
        // wrk flat out makes ~100k events/s while this JVM also runs the broker: room for its bursts.
        props.setProperty("tapwire.collector.l7-ring-buffer-bytes", "64MiB");
        collector = stack.startCollector(props);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void curlAndWrkAgainstNginxIncludingAFileServedWithSendfile() throws Exception {
        try (Nginx nginx = new Nginx()) {
            byte[] file = new byte[2 * 1024 * 1024];
            new Random(11).nextBytes(file);
            Path big = nginx.docroot().resolve("big.bin");
            Files.write(big, file);
            Files.setPosixFilePermissions(big, PosixFilePermissions.fromString("rw-r--r--"));

            HostCommand.run("curl", "-s", "-o", "/dev/null", nginx.url("/index.html"), nginx.url("/index.html"));
            HostCommand.run("curl", "-s", "-o", "/dev/null", nginx.url("/big.bin"));
            HostCommand.run("wrk", "-t1", "-c2", "-d1s", nginx.url("/index.html"));
            List<String> log = nginx.accessLogLines();

            PayloadStreams streams = PayloadStreams.ofPort(stack, nginx.port(), 6);
            assertThat(collector.kernelDrops().get(io.tapwire.collector.bpf.EventType.L7_PAYLOAD))
                    .as("L7 events the kernel dropped (ring buffer full): the checks below cannot hold then").isZero();
            assertThat(collector.metrics().render().lines()
                    .filter(line -> line.startsWith("tapwire_collector_dropped_records_total{") && !line.endsWith(" 0")))
                    .as("raw records the collector dropped in user space: the checks below cannot hold then").isEmpty();
            // wrk stops on its timer with responses in flight: its two connections do not end cleanly
            streams.assertCompleteAndContiguous(4);
            streams.assertBothEndsCoverTheSameSequenceRanges();
            List<PayloadEvent> records = streams.records();
            assertThat(records).allSatisfy(e -> assertThat(e.getProtocolHint()).isEqualTo(L7Protocol.HTTP1));
            List<PayloadEvent> requestsRead = streams.of(ConnectionRole.SERVER, Direction.INGRESS);
            List<PayloadEvent> responsesWritten = streams.of(ConnectionRole.SERVER, Direction.EGRESS);
            assertThat(count(requestsRead, "GET /")).as("requests nginx read, against its access log")
                    .isEqualTo(log.size());
            // A response whose write failed (wrk gone) is logged with 0 bytes sent.
            long answered = log.stream().filter(line -> !line.split(" ")[line.split(" ").length - 2].equals("0")).count();
            assertThat(count(responsesWritten, "HTTP/1.1 200 OK")).as("responses nginx wrote").isEqualTo(answered);
            PayloadEvent sendfile = records.stream().filter(e -> e.getSyscall().equals("sendfile")).findFirst()
                    .orElseThrow(() -> new AssertionError("no sendfile record for the 2 MiB file"));
            assertThat(sendfile.getPayloadVisible()).isFalse();
            // Every body came from a file, sent with sendfile: nginx logs the body bytes it really sent (a response cut
            // short when wrk stopped reading counts what left).
            long bodyBytes = log.stream().mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).sum();
            assertThat(bodyBytes).as("body bytes in nginx's access log").isGreaterThanOrEqualTo(file.length);
            assertThat(records.stream().filter(e -> e.getSyscall().equals("sendfile"))
                    .mapToLong(PayloadEvent::getByteCount).sum()).as("bytes nginx sent with sendfile")
                    .isEqualTo(bodyBytes);
        }
    }

    @Test
    void psqlAndPgbenchExtendedAgainstPostgres() throws Exception {
        try (Postgres postgres = new Postgres()) {
            Path script = Files.createTempFile("tapwire-bench", ".sql");
            Files.writeString(script, "\\set n random(1, 1000)\nSELECT :n AS tapwire_bench;\n");
            script.toFile().setReadable(true, false);
            String longLiteral = "x".repeat(3000);
            postgres.resetStatements();

            for (int i = 0; i < 3; i++) {
                postgres.psql("SELECT " + i + " AS tapwire_probe");
            }
            postgres.psql("SELECT '" + longLiteral + "' AS tapwire_long");
            postgres.pgbench("-n", "-M", "extended", "-t", "20", "-f", script.toString());

            PayloadStreams streams = PayloadStreams.ofPort(stack, postgres.port(), 10);
            streams.assertCompleteAndContiguous(10);
            streams.assertBothEndsCoverTheSameSequenceRanges();
            List<PayloadEvent> records = streams.records();
            assertThat(records).allSatisfy(e -> assertThat(e.getProtocolHint()).isEqualTo(L7Protocol.POSTGRES));
            List<PayloadEvent> clientWrites = streams.of(ConnectionRole.CLIENT, Direction.EGRESS);
            assertThat(count(clientWrites, "AS tapwire_probe")).as("simple queries psql sent")
                    .isEqualTo(postgres.statementCalls("%AS tapwire_probe%")).isEqualTo(3);
            assertThat(count(clientWrites, "AS tapwire_bench")).as("Parse messages pgbench sent")
                    .isEqualTo(postgres.statementCalls("%AS tapwire_bench%")).isEqualTo(20);
            List<PayloadEvent> serverWrites = streams.of(ConnectionRole.SERVER, Direction.EGRESS);
            assertThat(count(serverWrites, "tapwire_probe")).as("RowDescriptions of psql's answers").isEqualTo(3);
            assertThat(count(serverWrites, "tapwire_bench")).as("RowDescriptions of pgbench's answers").isEqualTo(20);
            PayloadEvent longQuery = clientWrites.stream().filter(e -> head(e).contains("tapwire_long")).findFirst()
                    .orElseThrow();
            assertThat(head(longQuery)).as("a 3 KB statement is shipped whole, beyond the 1 KiB head")
                    .contains(longLiteral).startsWith("Q");
        }
    }

    @Test
    void theMariadbClientAgainstMariadb() {
        try (MariaDb mariadb = new MariaDb()) {
            long selectsBefore = mariadb.comCounter("Com_select");
            mariadb.mariadb("SELECT 1 AS tapwire_one; SELECT 2 AS tapwire_two");
            long selects = mariadb.comCounter("Com_select") - selectsBefore;

            PayloadStreams streams = PayloadStreams.ofPort(stack, mariadb.port(), 2);
            streams.assertCompleteAndContiguous(2);
            streams.assertBothEndsCoverTheSameSequenceRanges();
            List<PayloadEvent> records = streams.records();
            assertThat(records).allSatisfy(e -> assertThat(e.getProtocolHint()).isEqualTo(L7Protocol.MYSQL));
            List<PayloadEvent> queries = records.stream()
                    .filter(e -> e.getRole() == ConnectionRole.CLIENT && e.getDirection() == Direction.EGRESS
                            && e.getHead().remaining() > 4 && e.getHead().get(e.getHead().position() + 3) == 0
                            && e.getHead().get(e.getHead().position() + 4) == 0x03)
                    .toList();
            assertThat(queries.stream().filter(e -> head(e).substring(5).toLowerCase().startsWith("select")).count())
                    .as("COM_QUERY selects the client sent, against Com_select").isEqualTo(selects);
            assertThat(count(queries, "tapwire_one")).isEqualTo(1);
            assertThat(count(queries, "tapwire_two")).isEqualTo(1);
            List<PayloadEvent> results = streams.of(ConnectionRole.SERVER, Direction.EGRESS);
            assertThat(count(results, "tapwire_one")).as("column definitions in the server's result sets").isEqualTo(1);
            assertThat(count(results, "tapwire_two")).isEqualTo(1);
        }
    }

    @Test
    void redisBenchmarkWithPipeliningAgainstRedis() {
        try (Redis redis = new Redis()) {
            redis.resetStats();
            redis.redisBenchmark("-c", "1", "-n", "1024", "-P", "16", "-t", "set");
            long sets = redis.commandCalls("set");

            PayloadStreams streams = PayloadStreams.ofPort(stack, redis.port(), 2);
            streams.assertCompleteAndContiguous(2);
            streams.assertBothEndsCoverTheSameSequenceRanges();
            List<PayloadEvent> records = streams.records();
            assertThat(records).allSatisfy(e -> assertThat(e.getProtocolHint()).isEqualTo(L7Protocol.REDIS));
            List<PayloadEvent> commands = streams.of(ConnectionRole.CLIENT, Direction.EGRESS);
            List<PayloadEvent> replies = streams.of(ConnectionRole.SERVER, Direction.EGRESS);
            assertThat(sets).isEqualTo(1024);
            assertThat(count(commands, "\r\nSET\r\n")).as("pipelined SETs in the client's writes").isEqualTo(sets);
            assertThat(count(replies, "+OK\r\n")).as("replies in the server's writes").isGreaterThanOrEqualTo(sets);
            assertThat(commands.stream().filter(e -> count(List.of(e), "\r\nSET\r\n") == 16).count())
                    .as("writes carrying 16 pipelined commands").isGreaterThan(50);
        }
    }

    @Test
    void memcachedClientsAgainstMemcached() {
        try (Memcached memcached = new Memcached()) {
            long setsBefore = memcached.stats().get("cmd_set");
            long getsBefore = memcached.stats().get("cmd_get");
            memcached.set("tapwire_key", "value");
            assertThat(memcached.memccat("tapwire_key")).contains("value");
            // memccat exits 1 when a key is missing: the miss is a request like any other.
            assertThatThrownBy(() -> memcached.memccat("tapwire_missing")).hasMessageContaining("exited 1");
            long sets = memcached.stats().get("cmd_set") - setsBefore;
            long gets = memcached.stats().get("cmd_get") - getsBefore;

            PayloadStreams streams = PayloadStreams.ofPort(stack, memcached.port(), 4);
            streams.assertCompleteAndContiguous(4);
            streams.assertBothEndsCoverTheSameSequenceRanges();
            List<PayloadEvent> records = streams.records();
            assertThat(records).allSatisfy(e -> assertThat(e.getProtocolHint()).isEqualTo(L7Protocol.MEMCACHED));
            List<PayloadEvent> requests = streams.of(ConnectionRole.CLIENT, Direction.EGRESS);
            assertThat(count(requests, "set tapwire_key ")).as("sets, against cmd_set").isEqualTo(sets).isEqualTo(1);
            assertThat(count(requests, "get tapwire_")).as("gets, against cmd_get").isEqualTo(gets).isEqualTo(2);
            List<PayloadEvent> replies = streams.of(ConnectionRole.SERVER, Direction.EGRESS);
            assertThat(count(replies, "STORED\r\n")).as("the set's reply").isEqualTo(1);
            assertThat(count(replies, "VALUE tapwire_key ")).as("the hit").isEqualTo(1);
            assertThat(count(replies, "END\r\n")).as("both gets end, the miss with END alone").isEqualTo(2);
        }
    }

    @Test
    void aDnsQueryOverUdp() {
        try (Dnsmasq dns = new Dnsmasq()) {
            for (int i = 0; i < 3; i++) {
                assertThat(dns.dig(Dnsmasq.TEST_NAME)).anySatisfy(line -> assertThat(line).contains(Dnsmasq.TEST_ADDRESS));
            }
            int port = dns.port();
            List<PayloadEvent> records = stack.payloads().awaitCount(
                    e -> e.getTransport() == Transport.UDP && e.getRole() == ConnectionRole.SERVER
                            && e.getDirection() == Direction.EGRESS && e.getTuple().getLocalPort() == port,
                    3, "dnsmasq's answers");
            List<PayloadEvent> all = stack.payloads().readToEnd().stream()
                    .filter(e -> e.getTransport() == Transport.UDP
                            && (e.getTuple().getLocalPort() == port || e.getTuple().getRemotePort() == port))
                    .toList();
            assertThat(records).allSatisfy(e -> assertThat(e.getProtocolHint()).isEqualTo(L7Protocol.DNS));
            assertThat(all.stream().filter(e -> e.getRole() == ConnectionRole.CLIENT && e.getDirection() == Direction.EGRESS))
                    .as("dig's queries").hasSize(3);
            assertThat(all.stream().filter(e -> e.getRole() == ConnectionRole.SERVER && e.getDirection() == Direction.INGRESS))
                    .as("queries dnsmasq read").hasSize(3)
                    .allSatisfy(e -> assertThat(e.getTuple().getRemotePort()).isPositive());
            assertThat(all.stream().filter(e -> e.getRole() == ConnectionRole.CLIENT && e.getDirection() == Direction.INGRESS))
                    .as("answers dig read").hasSize(3);
            assertThat(dns.queryLog().stream().filter(line -> line.contains("query[A] " + Dnsmasq.TEST_NAME)))
                    .as("dnsmasq's query log").hasSize(3);
        }
    }
}
