package io.tapwire.streams.l7.mysql;

import static io.tapwire.streams.l7.parse.CaptureAssertions.assertNothingLost;
import static io.tapwire.streams.l7.parse.CaptureAssertions.assertRoundTrips;
import static io.tapwire.streams.l7.parse.CaptureAssertions.assertSidesAgree;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.streams.l7.parse.CaptureAssertions;
import io.tapwire.streams.l7.parse.Captures;
import io.tapwire.streams.l7.parse.Exchange;
import org.junit.jupiter.api.Test;

/**
 * Real traffic of the mariadb client and of DBD::MariaDB (libmariadb) against Debian's MariaDB 10.11 (fixtures under
 * captures/mysql/, each saying in its first line how it was recorded), parsed on both the client's and the server's
 * socket. The server reads each packet's header and payload in two reads, so its side also splits every request.
 */
class MysqlCapturesTest {

    private static final MysqlParserFactory FACTORY = new MysqlParserFactory();

    @Test
    void statementsOfTheMariadbClientIncludingAResultSetAndAnError() {
        List<Exchange> exchanges = clientCheckedAgainstServer("statements");
        assertThat(exchanges).extracting(Exchange::operation)
                .containsExactly("CREATE", "INSERT", "SELECT", "SELECT");
        assertThat(exchanges).extracting(Exchange::resource).containsExactly(
                "CREATE TABLE t (id INT, v INT)", "INSERT INTO t VALUES (1,10),(2,20),(3,30)",
                "SELECT * FROM t ORDER BY id", "SELECT * FROM no_such_table");
        assertThat(exchanges).extracting(Exchange::status).containsExactly("ok", "ok", "ok", "failed");
        assertThat(exchanges.get(2).responseBytes()).as("column count, 2 definitions, EOF, 3 rows, EOF")
                .isEqualTo(129);
        Exchange failed = exchanges.get(3);
        assertThat(failed.error()).isTrue();
        assertThat(failed.errorDetail()).isEqualTo("1146 (42S02) Table 'tapwire.no_such_table' doesn't exist");
        assertThat(exchanges).allSatisfy(CaptureAssertions::assertWellFormed);
    }

    @Test
    void preparedStatementsOfTheTextProtocolAreQueries() {
        List<Exchange> exchanges = clientCheckedAgainstServer("prepared-text");
        assertThat(exchanges).extracting(Exchange::resource).containsExactly("PREPARE s FROM \"SELECT ? + 1\"",
                "SET @a=1", "EXECUTE s USING @a", "DEALLOCATE PREPARE s");
        assertThat(exchanges).extracting(Exchange::operation)
                .containsExactly("PREPARE", "SET", "EXECUTE", "DEALLOCATE");
        assertThat(exchanges).extracting(Exchange::status).containsOnly("ok");
        assertThat(exchanges).allSatisfy(CaptureAssertions::assertWellFormed);
    }

    @Test
    void binaryProtocolExecutesAreNamedByThePreparedText() {
        List<Exchange> exchanges = clientCheckedAgainstServer("binary-protocol");
        assertThat(exchanges).extracting(Exchange::operation).containsExactly("SET", "SET", "SET", "SET",
                "PREPARE", "SELECT", "SELECT", "SELECT", "PREPARE");
        List<Exchange> statement = exchanges.subList(4, 8);
        assertThat(statement).extracting(Exchange::resource).containsOnly("SELECT ? + 1 AS n");
        assertThat(statement).extracting(Exchange::status).containsOnly("ok");
        assertThat(statement.get(1).responseBytes()).as("the first execute sends the column definitions")
                .isEqualTo(66);
        assertThat(statement.get(2).responseBytes()).as("later ones only say the cached ones hold")
                .isEqualTo(38);
        Exchange failed = exchanges.get(8);
        assertThat(failed.resource()).isEqualTo("SELECT * FROM no_such_table");
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.errorDetail()).isEqualTo("1146 (42S02) Table 'tapwire.no_such_table' doesn't exist");
        assertThat(exchanges).allSatisfy(CaptureAssertions::assertWellFormed);
    }

    @Test
    void everyCaptureParsesTheSameWhenTheStateIsWrittenAndRestoredAfterEachRecord() {
        for (String capture : List.of("statements", "prepared-text", "binary-protocol")) {
            assertRoundTrips(FACTORY, Captures.sides(FACTORY, path(capture)));
        }
    }

    /**
     * The exchanges parsed on the client's socket, checked against those of the server's: the two must agree, but for
     * the times and the statement texts of the server's side, which the collector masked with '*' after their first
     * 3 bytes. MariaDB reads a packet's header and its payload in two reads, and the collector's MysqlAuthRedaction
     * takes every read for the start of a packet: a payload read alone then looks like a packet of sequence id &gt; 0
     * (the connection phase) and is masked. The parser can only pass on what it is given.
     */
    private static List<Exchange> clientCheckedAgainstServer(String capture) {
        List<Captures.Side> sides = Captures.sides(FACTORY, path(capture));
        assertNothingLost(sides);
        assertSidesAgree(sides, e -> List.of(e.status(), e.error(), String.valueOf(e.errorDetail()),
                e.requestBytes(), e.responseBytes(), e.requestSeq(), e.responseSeq()));
        List<Exchange> client = Captures.exchanges(sides, ConnectionRole.CLIENT);
        List<Exchange> server = Captures.exchanges(sides, ConnectionRole.SERVER);
        for (int i = 0; i < client.size(); i++) {
            String masked = server.get(i).resource();
            String text = client.get(i).resource();
            assertThat(maskedLike(masked, text)).as(masked + " is " + text + " masked").isTrue();
        }
        return client;
    }

    private static boolean maskedLike(String masked, String text) {
        if (masked == null || text == null) {
            return masked == text;
        }
        if (masked.length() != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (masked.charAt(i) != text.charAt(i) && masked.charAt(i) != '*') {
                return false;
            }
        }
        return true;
    }

    private static String path(String capture) {
        return "/captures/mysql/" + capture + ".jsonl";
    }
}
