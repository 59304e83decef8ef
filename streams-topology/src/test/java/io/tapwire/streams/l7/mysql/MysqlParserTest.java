package io.tapwire.streams.l7.mysql;

import static io.tapwire.streams.l7.mysql.MysqlPackets.BASE_CAPABILITIES;
import static io.tapwire.streams.l7.mysql.MysqlPackets.CLIENT_DEPRECATE_EOF;
import static io.tapwire.streams.l7.mysql.MysqlPackets.MORE_RESULTS;
import static io.tapwire.streams.l7.mysql.MysqlPackets.bytes;
import static io.tapwire.streams.l7.mysql.MysqlPackets.closeStatement;
import static io.tapwire.streams.l7.mysql.MysqlPackets.columnDefinition;
import static io.tapwire.streams.l7.mysql.MysqlPackets.eof;
import static io.tapwire.streams.l7.mysql.MysqlPackets.err;
import static io.tapwire.streams.l7.mysql.MysqlPackets.execute;
import static io.tapwire.streams.l7.mysql.MysqlPackets.ok;
import static io.tapwire.streams.l7.mysql.MysqlPackets.packet;
import static io.tapwire.streams.l7.mysql.MysqlPackets.ping;
import static io.tapwire.streams.l7.mysql.MysqlPackets.prepare;
import static io.tapwire.streams.l7.mysql.MysqlPackets.prepareOk;
import static io.tapwire.streams.l7.mysql.MysqlPackets.query;
import static io.tapwire.streams.l7.mysql.MysqlPackets.quit;
import static io.tapwire.streams.l7.mysql.MysqlPackets.resultSet;
import static io.tapwire.streams.l7.mysql.MysqlPackets.row;
import static io.tapwire.streams.l7.parse.Wire.concat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ParserRun;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateRoundTrip;
import io.tapwire.streams.l7.parse.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hand-built MySQL/MariaDB conversations, each also checked to parse the same when the parser's state is written and
 * restored after every segment.
 */
class MysqlParserTest {

    private static final MysqlParserFactory FACTORY = new MysqlParserFactory();

    private final Wire wire = new Wire();
    private final MysqlParser parser = (MysqlParser) FACTORY.create();
    private final ParserRun run = new ParserRun(parser);
    private final List<Exchange> exchanges = run.exchanges();

    @AfterEach
    void theSameWithTheStateWrittenAndRestoredAfterEverySegment() {
        StateRoundTrip.assertRestoredMatches(FACTORY, run);
    }

    @Test
    void aWholeConnectionFromTheGreetingThroughAnAuthSwitch() {
        run.feed(wire.server(MysqlPackets.greeting(BASE_CAPABILITIES)), wire.client(MysqlPackets.handshakeResponse(BASE_CAPABILITIES)),
                wire.server(MysqlPackets.authSwitch(2)), wire.client(packet(3, "********************".getBytes())),
                wire.server(ok(4)));
        Segment request = wire.client(query("SELECT v FROM t"));
        Segment response = wire.server(resultSet(1, false, 0, "a", "b"));
        run.feed(request, response, wire.client(quit()));

        assertThat(exchanges).containsExactly(new Exchange("SELECT", "SELECT v FROM t", "ok", false, null,
                request.firstByteNs(), response.firstByteNs(), response.lastByteNs(), request.count(),
                response.count(), request.tcpSeq(), response.tcpSeq(), List.of()));
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void resultSetsAndPreparedStatementsWithoutEofPackets() {
        long capabilities = BASE_CAPABILITIES | CLIENT_DEPRECATE_EOF;
        connect(capabilities);
        run.feed(wire.client(query("SELECT v FROM t")), wire.server(resultSet(1, true, 0, "a")));
        run.feed(wire.client(prepare("SELECT ? FROM t")), wire.server(prepareOk(3, 1, 1, true)));
        run.feed(wire.client(execute(3)), wire.server(resultSet(1, true, 0, "x")));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("SELECT", "PREPARE", "SELECT");
        assertThat(exchanges.get(2).resource()).isEqualTo("SELECT ? FROM t");
        assertThat(exchanges.get(1).responseBytes()).isEqualTo(prepareOk(3, 1, 1, true).length);
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void packetsSplitAcrossSegmentsAnywhere() {
        connect(BASE_CAPABILITIES);
        byte[] request = query("SELECT v FROM t WHERE id = 1");
        byte[] response = resultSet(1, false, 0, "a");
        Segment first = wire.client(Arrays.copyOfRange(request, 0, 2));
        run.feed(first, wire.client(Arrays.copyOfRange(request, 2, 4)),
                wire.client(Arrays.copyOfRange(request, 4, request.length)));
        for (int at = 0; at < response.length; at += 7) {
            run.feed(wire.server(Arrays.copyOfRange(response, at, Math.min(at + 7, response.length))));
        }

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("SELECT v FROM t WHERE id = 1");
            assertThat(e.requestStartNs()).isEqualTo(first.firstByteNs());
            assertThat(e.requestBytes()).isEqualTo(request.length);
            assertThat(e.responseBytes()).isEqualTo(response.length);
            assertThat(e.responseLastNs()).isEqualTo(run.fed().get(run.fed().size() - 1).lastByteNs());
        });
    }

    @Test
    void pipelinedCommandsInOneSegmentArePairedInOrderWithTheirResponsesInAnother() {
        connect(BASE_CAPABILITIES);
        byte[] select = query("SELECT v FROM t");
        byte[] update = query("UPDATE t SET v = 1");
        byte[] bad = query("SELECT * FROM nope");
        Segment requests = wire.client(select, update, bad);
        byte[] selected = resultSet(1, false, 0, "a", "b", "c");
        byte[] updated = ok(1);
        byte[] failed = err(1, 1146, "42S02", "Table 'shop.nope' doesn't exist");
        Segment responses = wire.server(selected, updated, failed);
        run.feed(requests, responses);

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("SELECT", "UPDATE", "SELECT");
        assertThat(exchanges).extracting(Exchange::status).containsExactly("ok", "ok", "failed");
        assertThat(exchanges).extracting(Exchange::responseBytes)
                .containsExactly((long) selected.length, (long) updated.length, (long) failed.length);
        assertThat(exchanges).extracting(Exchange::requestSeq).containsExactly(requests.tcpSeq(),
                requests.tcpSeq() + select.length, requests.tcpSeq() + select.length + update.length);
        assertThat(exchanges).extracting(Exchange::responseSeq).containsExactly(responses.tcpSeq(),
                responses.tcpSeq() + selected.length, responses.tcpSeq() + selected.length + updated.length);
        assertThat(exchanges.get(2).errorDetail()).isEqualTo("1146 (42S02) Table 'shop.nope' doesn't exist");
    }

    @Test
    void aResultLongerThanTheHeadIsFramedByItsLengthsIntoTheTail() {
        connect(BASE_CAPABILITIES);
        run.feed(wire.client(query("SELECT body FROM pages")));
        byte[] response = resultSet(1, false, 0, "x".repeat(9000));
        Segment cut = wire.server(response, 1024, 64);
        run.feed(cut);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.responseBytes()).isEqualTo(response.length);
            assertThat(e.responseLastNs()).isEqualTo(cut.lastByteNs());
        });
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aLostStretchInsideAPacketIsSkippedByLength() {
        connect(BASE_CAPABILITIES);
        run.feed(wire.client(query("SELECT body FROM pages")));
        byte[] response = resultSet(1, false, 0, "y".repeat(5000));
        run.feed(wire.server(Arrays.copyOfRange(response, 0, 1000)));
        wire.lose(false, 3000);
        run.feed(wire.server(Arrays.copyOfRange(response, 4000, response.length)));

        assertThat(exchanges).singleElement().satisfies(e -> assertThat(e.responseBytes()).isEqualTo(response.length));
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aLostStretchOverPacketHeadersIsResynchronisedAtTheNextPacket() {
        connect(BASE_CAPABILITIES);
        run.feed(wire.client(query("SELECT n FROM numbers")));
        String[] rows = new String[300];
        Arrays.setAll(rows, i -> "row-" + i);
        byte[] response = resultSet(1, false, 0, rows);
        run.feed(wire.server(Arrays.copyOfRange(response, 0, 400)));
        wire.lose(false, response.length - 400 - 120);
        run.feed(wire.server(Arrays.copyOfRange(response, response.length - 120, response.length)));
        run.feed(wire.client(ping()), wire.server(ok(1)));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("SELECT", "PING");
        assertThat(exchanges.get(0).responseBytes()).as("exact, from the stream offsets").isEqualTo(response.length);
        assertThat(parser.counters().resyncs()).isEqualTo(1);
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void aResponseWithoutACommandIsCountedAndNotPairedWithTheNextCommand() {
        connect(BASE_CAPABILITIES);
        run.feed(wire.server(err(1, 4031, "HY000", "The client was disconnected by the server because of inactivity")));
        run.feed(wire.client(ping()), wire.server(ok(1)));

        assertThat(parser.counters().unpairedResponses()).isEqualTo(1);
        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.operation()).isEqualTo("PING");
            assertThat(e.status()).isEqualTo("ok");
        });
    }

    @Test
    void anErrorInsideAResultSetFailsTheExchange() {
        connect(BASE_CAPABILITIES);
        run.feed(wire.client(query("SELECT slow()")), wire.server(packet(1, bytes(1)), columnDefinition(2, "v"),
                eof(3, 0), row(4, "a"), err(5, 1317, "70100", "Query execution was interrupted")));

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("failed");
            assertThat(e.errorDetail()).isEqualTo("1317 (70100) Query execution was interrupted");
        });
    }

    @Test
    void binaryProtocolStatementsAreNamedByTheTextTheyWerePreparedWith() {
        connect(BASE_CAPABILITIES);
        run.feed(wire.client(prepare("SELECT v FROM t WHERE id = ?")), wire.server(prepareOk(7, 1, 1, false)));
        run.feed(wire.client(execute(7)), wire.server(resultSet(1, false, 0, "a")));
        run.feed(wire.client(closeStatement(7)));
        run.feed(wire.client(execute(7)), wire.server(err(1, 1243, "HY000", "Unknown prepared statement handler (7)")));
        // MariaDB: PREPARE and EXECUTE of "the statement prepared last" (id 0xFFFFFFFF) sent in one go.
        run.feed(wire.client(prepare("DELETE FROM t WHERE id = ?"), execute(0xFFFFFFFFL)),
                wire.server(prepareOk(8, 0, 1, false), ok(1)));

        assertThat(exchanges).extracting(Exchange::operation)
                .containsExactly("PREPARE", "SELECT", "EXECUTE", "PREPARE", "DELETE");
        assertThat(exchanges).extracting(Exchange::resource).containsExactly("SELECT v FROM t WHERE id = ?",
                "SELECT v FROM t WHERE id = ?", null, "DELETE FROM t WHERE id = ?", "DELETE FROM t WHERE id = ?");
        assertThat(exchanges).extracting(Exchange::status).containsExactly("ok", "ok", "failed", "ok", "ok");
        assertThat(exchanges.get(0).responseBytes()).isEqualTo(prepareOk(7, 1, 1, false).length);
    }

    @Test
    void severalResultsOfOneCallAreOneExchange() {
        connect(BASE_CAPABILITIES);
        byte[] response = concat(resultSet(1, false, MORE_RESULTS, "a"), resultSet(6, false, MORE_RESULTS, "b"),
                ok(11));
        run.feed(wire.client(query("CALL two_results()")), wire.server(response));
        run.feed(wire.client(ping()), wire.server(ok(1)));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("CALL", "PING");
        assertThat(exchanges.get(0).responseBytes()).isEqualTo(response.length);
    }

    @Test
    void localInfileDataBelongsToItsQuery() {
        connect(BASE_CAPABILITIES);
        byte[] load = query("LOAD DATA LOCAL INFILE 'a.csv' INTO TABLE t");
        byte[] file = concat(packet(2, "1,a\n2,b\n".getBytes()), packet(3));
        run.feed(wire.client(load), wire.server(packet(1, bytes(0xFB), "a.csv".getBytes())), wire.client(file),
                wire.server(ok(4)));

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.operation()).isEqualTo("LOAD");
            assertThat(e.requestBytes()).isEqualTo(load.length + file.length);
        });
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aPacketOfTheMaximumLengthContinuesInTheNext() {
        connect(BASE_CAPABILITIES);
        run.feed(wire.client(query("SELECT huge FROM blobs")));
        byte[] columns = concat(packet(1, bytes(1)), columnDefinition(2, "huge"), eof(3, 0));
        byte[] longRow = new byte[4 + MysqlFramer.MAX_PAYLOAD];
        System.arraycopy(MysqlPackets.le(MysqlFramer.MAX_PAYLOAD, 3), 0, longRow, 0, 3);
        longRow[3] = 4;
        // The row's rest starts with 0xFE and is short: an EOF by its looks, but a continuation by its place.
        byte[] rest = packet(5, bytes(0xFE, 1, 2, 3));
        byte[] end = eof(6, 0);
        run.feed(wire.server(columns), wire.server(longRow, 1024, 0), wire.server(rest));
        assertThat(exchanges).isEmpty();
        run.feed(wire.server(end));

        assertThat(exchanges).singleElement().satisfies(e -> assertThat(e.responseBytes())
                .isEqualTo(columns.length + longRow.length + rest.length + end.length));
    }

    @Test
    void mysql8QueryAttributesArePassedOver() {
        connect(BASE_CAPABILITIES | MysqlPackets.CLIENT_QUERY_ATTRIBUTES);
        run.feed(wire.client(packet(0, bytes(MysqlCommand.QUERY, 0, 1), "SELECT 1".getBytes())),
                wire.server(resultSet(1, false, 0, "1")));

        assertThat(exchanges).extracting(Exchange::resource).containsExactly("SELECT 1");
    }

    @Test
    void aConnectionJoinedAfterItsSetUpLearnsWhetherEofPacketsAreDeprecated() {
        wire.lose(true, 500);
        wire.lose(false, 700);
        run.feed(wire.client(query("SELECT v FROM t")), wire.server(resultSet(1, true, 0, "a")));
        run.feed(wire.client(prepare("SELECT ?")), wire.server(prepareOk(4, 1, 1, true)));
        run.feed(wire.client(ping()), wire.server(ok(1)));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("SELECT", "PREPARE", "PING");
        assertThat(parser.counters().resyncs()).isZero();
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void aJoinedConnectionEndsAPrepareResponseWhereTheServerStoppedWriting() {
        wire.lose(true, 500);
        wire.lose(false, 700);
        run.feed(wire.client(prepare("DELETE FROM t WHERE id = ?")), wire.server(prepareOk(4, 0, 1, true)));
        assertThat(exchanges).as("no EOF came after the last definition, nor anything else")
                .extracting(Exchange::operation).containsExactly("PREPARE");
        run.feed(wire.client(prepare("UPDATE t SET v = ?")), wire.server(prepareOk(5, 0, 1, true)));
        run.feed(wire.client(execute(5)), wire.server(ok(1)));

        assertThat(exchanges).extracting(Exchange::resource).containsExactly("DELETE FROM t WHERE id = ?",
                "UPDATE t SET v = ?", "UPDATE t SET v = ?");
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void aConnectionThatSwitchedToTlsIsNotParsed() {
        run.feed(wire.server(MysqlPackets.greeting(BASE_CAPABILITIES | MysqlPackets.CLIENT_SSL)),
                wire.client(MysqlPackets.sslRequest(BASE_CAPABILITIES)));
        run.feed(wire.client(bytes(0x16, 3, 1, 0, 5, 0, 0, 0, 0, 3)), wire.server(bytes(0x16, 3, 3, 0, 1, 0)));

        assertThat(parser.encrypted()).isTrue();
        assertThat(exchanges).isEmpty();
        assertThat(parser.counters().skippedBytes()).isEqualTo(16);
    }

    @Test
    void theQueueOfUnansweredCommandsIsBounded() {
        connect(BASE_CAPABILITIES);
        byte[][] requests = new byte[MysqlParser.MAX_PENDING + 10][];
        Arrays.setAll(requests, i -> query("SELECT " + i));
        run.feed(wire.client(requests));
        run.feed(wire.server(ok(1)));

        assertThat(parser.counters().droppedRequests()).isEqualTo(10);
        assertThat(exchanges).extracting(Exchange::resource).containsExactly("SELECT 10");
    }

    private void connect(long capabilities) {
        run.feed(wire.server(MysqlPackets.greeting(capabilities)), wire.client(MysqlPackets.handshakeResponse(capabilities)),
                wire.server(ok(2)));
    }
}
