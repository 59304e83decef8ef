package io.tapwire.streams.l7.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.streams.l7.parse.Captures;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.PayloadSegments;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;
import org.junit.jupiter.api.Test;

/**
 * Real traffic of psql and pgbench against Debian's PostgreSQL 15 (fixtures under captures/postgres/, each saying in
 * its first line how it was recorded), parsed on both the client's and the server's socket.
 */
class PostgresCapturesTest {

    private static final PostgresParserFactory FACTORY = new PostgresParserFactory();

    @Test
    void aSimpleQueryAfterSslRequestAndPasswordAuthentication() {
        for (List<Exchange> exchanges : bothSides("simple-query")) {
            assertThat(exchanges).hasSize(1);
            Exchange select = exchanges.get(0);
            assertThat(select.operation()).isEqualTo("SELECT");
            assertThat(select.resource()).isEqualTo("SELECT 1");
            assertThat(select.status()).isEqualTo("ok");
            assertThat(select.error()).isFalse();
            assertThat(select.requestBytes()).isEqualTo(14);
            assertThat(select.responseBytes()).isEqualTo(66);
            assertWellFormed(select);
        }
    }

    @Test
    void aFailingQueryIsFailedWithItsSqlstateAndMessage() {
        for (List<Exchange> exchanges : bothSides("failing-query")) {
            assertThat(exchanges).singleElement().satisfies(e -> {
                assertThat(e.operation()).isEqualTo("SELECT");
                assertThat(e.resource()).isEqualTo("SELECT 1/0");
                assertThat(e.status()).isEqualTo("failed");
                assertThat(e.error()).isTrue();
                assertThat(e.errorDetail()).isEqualTo("22012 division by zero");
                assertWellFormed(e);
            });
        }
    }

    @Test
    void severalStatementsInOneQueryAreOneExchange() {
        for (List<Exchange> exchanges : bothSides("multi-statement")) {
            assertThat(exchanges).singleElement().satisfies(e -> {
                assertThat(e.operation()).isEqualTo("CREATE");
                assertThat(e.resource()).isEqualTo(
                        "CREATE TEMP TABLE t(a int); INSERT INTO t VALUES (1),(2),(3); SELECT a FROM t ORDER BY a");
                assertThat(e.status()).isEqualTo("ok");
                assertWellFormed(e);
            });
        }
    }

    @Test
    void aStatementLongerThanTheHeadIsReadWhole() {
        for (List<Exchange> exchanges : bothSides("long-statement")) {
            assertThat(exchanges).singleElement().satisfies(e -> {
                assertThat(e.resource()).startsWith("SELECT 1+2+3+").endsWith("+399+400 AS total");
                assertThat(e.resource().length()).isGreaterThan(1024);
                assertThat(e.requestBytes()).isEqualTo(1 + 4 + e.resource().length() + 1);
                assertWellFormed(e);
            });
        }
    }

    @Test
    void pgbenchExtendedProtocolIsOneExchangePerSync() {
        for (List<Exchange> exchanges : bothSides("pgbench-extended")) {
            assertThat(exchanges).hasSize(5).allSatisfy(e -> {
                assertThat(e.operation()).isEqualTo("SELECT");
                assertThat(e.resource()).isEqualTo("SELECT $1;");
                assertThat(e.requestBytes()).isEqualTo(62);
                assertThat(e.status()).isEqualTo("ok");
                assertWellFormed(e);
            });
        }
    }

    @Test
    void pgbenchPreparedStatementsAreNamedByTheTextTheyWerePreparedWith() {
        for (List<Exchange> exchanges : bothSides("pgbench-prepared")) {
            assertThat(exchanges).hasSize(6);
            assertThat(exchanges.get(0).operation()).isEqualTo("PREPARE");
            assertThat(exchanges.get(0).resource()).isEqualTo("SELECT $1;");
            assertThat(exchanges.subList(1, 6)).allSatisfy(e -> {
                assertThat(e.operation()).isEqualTo("SELECT");
                assertThat(e.resource()).isEqualTo("SELECT $1;");
                assertThat(e.requestBytes()).isEqualTo(46);
                assertThat(e.responseBytes()).isEqualTo(72);
            });
            assertThat(exchanges).allSatisfy(PostgresCapturesTest::assertWellFormed);
        }
    }

    @Test
    void aPipelineUpToItsSyncIsOneExchangeNamedByItsFirstStatement() {
        for (List<Exchange> exchanges : bothSides("pgbench-pipeline")) {
            assertThat(exchanges).hasSize(2).allSatisfy(e -> {
                assertThat(e.operation()).isEqualTo("SELECT");
                assertThat(e.resource()).isEqualTo("SELECT 1;");
                assertThat(e.requestBytes()).isEqualTo(105);
                assertThat(e.responseBytes()).isEqualTo(146);
                assertWellFormed(e);
            });
        }
    }

    @Test
    void everyCaptureParsesTheSameWhenTheStateIsWrittenAndRestoredAfterEachRecord() {
        for (String capture : List.of("simple-query", "failing-query", "multi-statement", "long-statement",
                "pgbench-extended", "pgbench-prepared", "pgbench-pipeline")) {
            for (List<PayloadEvent> socket : Captures.bySocket(Captures.read(path(capture))).values()) {
                List<Segment> segments = socket.stream().map(PayloadSegments::of).toList();
                assertThat(StateRoundTrip.parseRestoringAfterEachSegment(FACTORY, segments)).as(capture)
                        .isEqualTo(StateRoundTrip.parse(FACTORY, segments));
            }
        }
    }

    /**
     * The exchanges of the capture's one client connection that did something, parsed on the client's socket and on
     * the server's: the two must agree (pgbench opens a first connection that only logs in).
     */
    private static List<List<Exchange>> bothSides(String capture) {
        Map<Long, List<PayloadEvent>> sockets = Captures.bySocket(Captures.read(path(capture)));
        List<Exchange> client = null;
        List<Exchange> server = null;
        for (List<PayloadEvent> socket : sockets.values()) {
            ProtocolParser parser = FACTORY.create();
            List<Exchange> exchanges = new ArrayList<>();
            socket.forEach(e -> parser.accept(PayloadSegments.of(e), exchanges::add));
            assertThat(parser.counters()).as(capture).isEqualTo(ParserCounters.NONE);
            if (exchanges.isEmpty()) {
                continue;
            }
            if (socket.get(0).getRole() == ConnectionRole.SERVER) {
                assertThat(server).as("one busy server socket in " + capture).isNull();
                server = exchanges;
            } else {
                assertThat(client).as("one busy client socket in " + capture).isNull();
                client = exchanges;
            }
        }
        assertThat(client).as("the client's exchanges in " + capture).isNotNull();
        assertThat(server).as("the server's exchanges in " + capture).isNotNull();
        assertThat(server).as("the server's side saw the same, but for the times")
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("requestStartNs", "responseFirstNs",
                        "responseLastNs")
                .isEqualTo(client);
        return List.of(client, server);
    }

    private static String path(String capture) {
        return "/captures/postgres/" + capture + ".jsonl";
    }

    private static void assertWellFormed(Exchange e) {
        assertThat(e.requestBytes()).isPositive();
        assertThat(e.responseBytes()).isPositive();
        assertThat(e.requestStartNs()).isPositive();
        assertThat(e.responseFirstNs()).isGreaterThanOrEqualTo(e.requestStartNs());
        assertThat(e.responseLastNs()).isGreaterThanOrEqualTo(e.responseFirstNs());
        assertThat(e.requestSeq()).isNotNegative();
        assertThat(e.responseSeq()).isNotNegative();
        assertThat(e.answers()).isEmpty();
    }
}
