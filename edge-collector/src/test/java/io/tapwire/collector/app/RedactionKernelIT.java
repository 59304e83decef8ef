package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import io.tapwire.servers.MariaDb;
import io.tapwire.servers.Nginx;
import io.tapwire.servers.Postgres;
import io.tapwire.servers.Redis;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.PayloadEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Credentials on the wire, from real clients to real servers, and what of them reaches Kafka: with redaction on (the
 * default) no byte of a secret does; with it off every secret is there, so this test can see a secret if the masking
 * breaks.
 */
class RedactionKernelIT {

    private static final String REDIS_PASSWORD = "redis-pass-4711";
    private static final String COOKIE_SECRET = "cookie-secret-0815";

    private static CollectorStack stack;

    @BeforeAll
    static void startKafka() {
        stack = CollectorStack.startKafka();
    }

    @AfterEach
    void stopCollector() {
        stack.stopCollector();
    }

    @AfterAll
    static void stopKafka() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void withRedactionOnNoByteOfAnySecretLeavesTheNode() {
        stack.startCollector();
        Secrets secrets = sendCredentials();

        assertThat(secrets.records()).as("records of the four servers").isNotEmpty();
        for (String secret : secrets.values()) {
            assertThat(secrets.records()).as("records carrying %s", secret)
                    .noneSatisfy(e -> assertThat(PayloadStreams.head(e) + "|" + PayloadStreams.tail(e)).contains(secret));
        }
        assertThat(secrets.records()).filteredOn(e -> e.getRedactedBytes() > 0).extracting(PayloadStreams::head)
                .as("masked records: PostgreSQL password, MySQL handshake response, Redis AUTH, HTTP request")
                .anySatisfy(head -> assertThat(head).startsWith("p"))
                .anySatisfy(head -> assertThat(head).contains("AUTH"))
                .anySatisfy(head -> assertThat(head).startsWith("GET /private/").contains("Authorization: ****")
                        .contains("Cookie: ****"));
        assertThat(secrets.mysqlHandshakeResponse().getRedactedBytes()).as("MySQL handshake response").isPositive();
        // MariaDB reads a packet's header and payload in two calls: its reads of the handshake are masked too, and
        // its reads of the commands are not.
        assertThat(secrets.mysql()).as("MySQL records carrying the user name of the handshake")
                .noneSatisfy(e -> assertThat(PayloadStreams.head(e)).contains(MariaDb.USER + "\0"));
        assertThat(secrets.mysql()).filteredOn(e -> e.getRole() == ConnectionRole.SERVER
                        && e.getDirection() == Direction.INGRESS)
                .as("the server's reads of the query").anySatisfy(e -> assertThat(PayloadStreams.head(e)).contains("SELECT 1"));
    }

    @Test
    void withRedactionOffTheSecretsAreInKafka() {
        Properties props = stack.collectorProperties();
        props.setProperty("tapwire.collector.redaction", "false");
        stack.startCollector(props);
        Secrets secrets = sendCredentials();

        for (String secret : secrets.values()) {
            assertThat(secrets.records()).as("records carrying %s", secret)
                    .anySatisfy(e -> assertThat(PayloadStreams.head(e) + "|" + PayloadStreams.tail(e)).contains(secret));
        }
        assertThat(secrets.records()).allSatisfy(e -> assertThat(e.getRedactedBytes()).isZero());
        assertThat(secrets.mysql()).filteredOn(e -> e.getRole() == ConnectionRole.SERVER
                        && e.getDirection() == Direction.INGRESS)
                .as("the server's reads of the handshake").anySatisfy(e -> assertThat(PayloadStreams.head(e))
                        .contains(MariaDb.USER + "\0"));
    }

    /** Logs in to PostgreSQL (cleartext password), MariaDB, Redis (AUTH) and nginx (Basic auth and a cookie). */
    private static Secrets sendCredentials() {
        try (Postgres postgres = new Postgres(); MariaDb mariadb = new MariaDb(); Redis redis = new Redis(REDIS_PASSWORD);
             Nginx nginx = new Nginx()) {
            postgres.psql("SELECT 1");
            mariadb.mariadb("SELECT 1");
            redis.redisCli("PING");
            HostCommand.run("curl", "-s", "-f", "-o", "/dev/null", "-u", Nginx.BASIC_AUTH_USER + ":" + Nginx.BASIC_AUTH_PASSWORD,
                    "-b", "session=" + COOKIE_SECRET, nginx.url(Nginx.PROTECTED_PATH));
            String basic = Base64.getEncoder().encodeToString(
                    (Nginx.BASIC_AUTH_USER + ":" + Nginx.BASIC_AUTH_PASSWORD).getBytes(StandardCharsets.US_ASCII));

            List<PayloadEvent> records = PayloadStreams.ofPort(stack, postgres.port(), 2).records();
            List<PayloadEvent> mysql = PayloadStreams.ofPort(stack, mariadb.port(), 2).records();
            List<PayloadEvent> all = new java.util.ArrayList<>(records);
            all.addAll(mysql);
            all.addAll(PayloadStreams.ofPort(stack, redis.port(), 2).records());
            all.addAll(PayloadStreams.ofPort(stack, nginx.port(), 2).records());
            PayloadEvent handshake = mysql.stream()
                    .filter(e -> e.getRole() == ConnectionRole.CLIENT && e.getDirection() == Direction.EGRESS
                            && e.getHead().remaining() > 36 && e.getHead().get(e.getHead().position() + 3) == 1)
                    .findFirst().orElseThrow(() -> new AssertionError("no MySQL handshake response among " + mysql));
            return new Secrets(all, List.of(Postgres.PASSWORD, REDIS_PASSWORD, COOKIE_SECRET, basic),
                    handshake, mysql);
        }
    }

    private record Secrets(List<PayloadEvent> records, List<String> values, PayloadEvent mysqlHandshakeResponse,
                           List<PayloadEvent> mysql) {
    }
}
