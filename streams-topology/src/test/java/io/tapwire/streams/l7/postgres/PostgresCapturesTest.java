package io.tapwire.streams.l7.postgres;

import static io.tapwire.streams.l7.parse.CaptureAssertions.assertNothingLost;
import static io.tapwire.streams.l7.parse.CaptureAssertions.assertRoundTrips;
import static io.tapwire.streams.l7.parse.CaptureAssertions.assertSidesAgree;
import static io.tapwire.streams.l7.parse.CaptureAssertions.assertWellFormed;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.streams.l7.parse.CaptureAssertions;
import io.tapwire.streams.l7.parse.Captures;
import io.tapwire.streams.l7.parse.Exchange;
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
            assertThat(exchanges).allSatisfy(CaptureAssertions::assertWellFormed);
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
            assertRoundTrips(FACTORY, Captures.sides(FACTORY, path(capture)));
        }
    }

    /**
     * The exchanges of the capture's one client connection that did something, parsed on the client's socket and on
     * the server's: the two must agree but for the times (pgbench opens a first connection that only logs in).
     */
    private static List<List<Exchange>> bothSides(String capture) {
        List<Captures.Side> sides = Captures.sides(FACTORY, path(capture));
        assertNothingLost(sides);
        for (ConnectionRole role : List.of(ConnectionRole.CLIENT, ConnectionRole.SERVER)) {
            assertThat(sides).as("one busy %s socket in %s", role, capture)
                    .filteredOn(side -> side.role() == role && !side.exchanges().isEmpty()).hasSize(1);
        }
        assertSidesAgree(sides, PostgresCapturesTest::withoutTimes);
        return List.of(Captures.exchanges(sides, ConnectionRole.CLIENT),
                Captures.exchanges(sides, ConnectionRole.SERVER));
    }

    private static Exchange withoutTimes(Exchange e) {
        return new Exchange(e.operation(), e.resource(), e.status(), e.error(), e.errorDetail(), 0, 0, 0,
                e.requestBytes(), e.responseBytes(), e.requestSeq(), e.responseSeq(), e.answers());
    }

    private static String path(String capture) {
        return "/captures/postgres/" + capture + ".jsonl";
    }
}
