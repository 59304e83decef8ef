package io.tapwire.streams.l7.postgres;

import static io.tapwire.streams.l7.parse.Wire.concat;
import static io.tapwire.streams.l7.postgres.PgMessages.bind;
import static io.tapwire.streams.l7.postgres.PgMessages.bindComplete;
import static io.tapwire.streams.l7.postgres.PgMessages.closeComplete;
import static io.tapwire.streams.l7.postgres.PgMessages.closeStatement;
import static io.tapwire.streams.l7.postgres.PgMessages.commandComplete;
import static io.tapwire.streams.l7.postgres.PgMessages.dataRow;
import static io.tapwire.streams.l7.postgres.PgMessages.error;
import static io.tapwire.streams.l7.postgres.PgMessages.execute;
import static io.tapwire.streams.l7.postgres.PgMessages.extended;
import static io.tapwire.streams.l7.postgres.PgMessages.extendedResult;
import static io.tapwire.streams.l7.postgres.PgMessages.notice;
import static io.tapwire.streams.l7.postgres.PgMessages.notification;
import static io.tapwire.streams.l7.postgres.PgMessages.parameterStatus;
import static io.tapwire.streams.l7.postgres.PgMessages.parse;
import static io.tapwire.streams.l7.postgres.PgMessages.parseComplete;
import static io.tapwire.streams.l7.postgres.PgMessages.query;
import static io.tapwire.streams.l7.postgres.PgMessages.ready;
import static io.tapwire.streams.l7.postgres.PgMessages.rowDescription;
import static io.tapwire.streams.l7.postgres.PgMessages.sync;
import static io.tapwire.streams.l7.postgres.PgMessages.terminate;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
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
 * Hand-built PostgreSQL conversations, each also checked to parse the same when the parser's state is written and
 * restored after every segment.
 */
class PostgresParserTest {

    private static final PostgresParserFactory FACTORY = new PostgresParserFactory();

    private final Wire wire = new Wire();
    private final PostgresParser parser = (PostgresParser) FACTORY.create();
    private final ParserRun run = new ParserRun(parser);
    private final List<Exchange> exchanges = run.exchanges();

    @AfterEach
    void theSameWithTheStateWrittenAndRestoredAfterEverySegment() {
        StateRoundTrip.assertRestoredMatches(FACTORY, run);
    }

    @Test
    void aWholeConnectionFromItsSslRequestOn() {
        setUp();
        Segment request = wire.client(query("SELECT 1"));
        Segment response = wire.server(rowDescription(), dataRow("1"), commandComplete("SELECT 1"), ready());
        run.feed(request, response, wire.client(terminate()));

        assertThat(exchanges).containsExactly(new Exchange("SELECT", "SELECT 1", "ok", false, null,
                request.firstByteNs(), response.firstByteNs(), response.lastByteNs(), request.count(),
                response.count(), request.tcpSeq(), response.tcpSeq(), List.of()));
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void messagesSplitAcrossSegmentsAnywhere() {
        setUp();
        byte[] request = query("SELECT name FROM users WHERE id = 7");
        byte[] response = concat(rowDescription(), dataRow("ada"), commandComplete("SELECT 1"), ready());
        Segment first = wire.client(Arrays.copyOfRange(request, 0, 2));
        run.feed(first, wire.client(Arrays.copyOfRange(request, 2, 9)),
                wire.client(Arrays.copyOfRange(request, 9, request.length)));
        Segment answer = wire.server(Arrays.copyOfRange(response, 0, 3));
        Segment last = wire.server(Arrays.copyOfRange(response, 3, response.length - 2));
        assertThat(exchanges).as("ReadyForQuery is not whole yet").isEmpty();
        run.feed(answer, last);
        Segment end = wire.server(Arrays.copyOfRange(response, response.length - 2, response.length));
        run.feed(end);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("SELECT name FROM users WHERE id = 7");
            assertThat(e.requestStartNs()).isEqualTo(first.firstByteNs());
            assertThat(e.responseFirstNs()).isEqualTo(answer.firstByteNs());
            assertThat(e.responseLastNs()).isEqualTo(end.lastByteNs());
            assertThat(e.requestBytes()).isEqualTo(request.length);
            assertThat(e.responseBytes()).isEqualTo(response.length);
        });
    }

    @Test
    void pipelinedBatchesInOneSegmentArePairedInOrderWithTheirResponsesInAnother() {
        setUp();
        byte[] select = extended("SELECT a FROM t");
        byte[] prepare = concat(parse("ins", "INSERT INTO t VALUES ($1)"), sync());
        byte[] insert = concat(bind("", "ins"), execute(""), sync());
        Segment requests = wire.client(select, prepare, insert);
        byte[] selected = extendedResult("x");
        byte[] prepared = concat(parseComplete(), ready());
        byte[] inserted = concat(bindComplete(), commandComplete("INSERT 0 1"), ready());
        Segment responses = wire.server(selected, prepared, inserted);
        run.feed(requests, responses);

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("SELECT", "PREPARE", "INSERT");
        assertThat(exchanges).extracting(Exchange::resource)
                .containsExactly("SELECT a FROM t", "INSERT INTO t VALUES ($1)", "INSERT INTO t VALUES ($1)");
        assertThat(exchanges).extracting(Exchange::requestBytes)
                .containsExactly((long) select.length, (long) prepare.length, (long) insert.length);
        assertThat(exchanges).extracting(Exchange::responseBytes)
                .containsExactly((long) selected.length, (long) prepared.length, (long) inserted.length);
        assertThat(exchanges).extracting(Exchange::requestSeq).containsExactly(requests.tcpSeq(),
                requests.tcpSeq() + select.length, requests.tcpSeq() + select.length + prepare.length);
        assertThat(exchanges).extracting(Exchange::responseSeq).containsExactly(responses.tcpSeq(),
                responses.tcpSeq() + selected.length, responses.tcpSeq() + selected.length + prepared.length);
        assertThat(exchanges.get(0).requestStartNs()).isEqualTo(requests.firstByteNs());
        assertThat(exchanges.get(1).requestStartNs()).as("bytes after a segment's first come at its end")
                .isEqualTo(requests.lastByteNs());
    }

    @Test
    void aResponseLongerThanTheHeadIsFramedByItsLengthsIntoTheTail() {
        setUp();
        run.feed(wire.client(query("SELECT body FROM pages")));
        byte[] response = concat(rowDescription(), dataRow("x".repeat(9000)), commandComplete("SELECT 1"), ready());
        Segment cut = wire.server(response, 1024, 64);
        run.feed(cut);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.responseBytes()).isEqualTo(response.length);
            assertThat(e.responseLastNs()).isEqualTo(cut.lastByteNs());
        });
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aLostStretchInsideAMessageBodyIsSkippedByLength() {
        setUp();
        run.feed(wire.client(query("SELECT body FROM pages")));
        byte[] response = concat(rowDescription(), dataRow("y".repeat(5000)), commandComplete("SELECT 1"), ready());
        run.feed(wire.server(Arrays.copyOfRange(response, 0, 1000)));
        wire.lose(false, 3000);
        run.feed(wire.server(Arrays.copyOfRange(response, 4000, response.length)));

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("ok");
            assertThat(e.responseBytes()).isEqualTo(response.length);
        });
        assertThat(parser.counters().resyncs()).isZero();
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void aLostStretchOverMessageHeadersIsResynchronisedAtTheNextMessage() {
        setUp();
        run.feed(wire.client(query("SELECT n FROM numbers")));
        List<byte[]> rows = new ArrayList<>();
        rows.add(rowDescription());
        for (int i = 0; i < 200; i++) {
            rows.add(dataRow("row-" + i));
        }
        rows.add(commandComplete("SELECT 200"));
        rows.add(ready());
        byte[] response = concat(rows.toArray(byte[][]::new));
        run.feed(wire.server(Arrays.copyOfRange(response, 0, 300)));
        wire.lose(false, response.length - 300 - 150);
        run.feed(wire.server(Arrays.copyOfRange(response, response.length - 150, response.length)));
        run.feed(wire.client(query("SELECT 2")), wire.server(rowDescription(), dataRow("2"), commandComplete("SELECT 1"),
                ready()));

        assertThat(exchanges).extracting(Exchange::resource).containsExactly("SELECT n FROM numbers", "SELECT 2");
        assertThat(exchanges.get(0).responseBytes()).as("exact, from the stream offsets").isEqualTo(response.length);
        assertThat(parser.counters().resyncs()).isEqualTo(1);
        long lost = response.length - 450;
        assertThat(parser.counters().skippedBytes()).as("the lost stretch, less the row framed into it, plus the "
                + "part of a row the resynchronisation passed over").isBetween(lost - 20, lost + 20);
    }

    @Test
    void aResponseWithoutARequestIsCountedAndNotPairedWithTheNextRequest() {
        setUp();
        run.feed(wire.server(commandComplete("SELECT 1"), ready()));
        Segment request = wire.client(query("SELECT 2"));
        byte[] response = concat(rowDescription(), dataRow("2"), commandComplete("SELECT 1"), ready());
        run.feed(request, wire.server(response));

        assertThat(parser.counters().unpairedResponses()).isEqualTo(1);
        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("SELECT 2");
            assertThat(e.responseBytes()).isEqualTo(response.length);
        });
    }

    @Test
    void notificationsNoticesAndParameterChangesBetweenRequestsAreNoResponses() {
        setUp();
        run.feed(wire.server(notification("jobs"), parameterStatus("TimeZone", "UTC"), notice("hello")));
        run.feed(wire.client(query("LISTEN jobs")), wire.server(commandComplete("LISTEN"), ready()));

        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
        assertThat(exchanges).extracting(Exchange::operation).containsExactly("LISTEN");
    }

    @Test
    void anErrorResponseFailsTheExchangeWithSqlstateAndMessage() {
        setUp();
        run.feed(wire.client(query("SELECT * FROM nope")),
                wire.server(error("42P01", "relation \"nope\" does not exist"), ready()));
        run.feed(wire.client(extended("SELEC 1")), wire.server(error("42601", "syntax error at or near \"SELEC\""),
                ready()));

        assertThat(exchanges).extracting(Exchange::status).containsExactly("failed", "failed");
        assertThat(exchanges).extracting(Exchange::error).containsExactly(true, true);
        assertThat(exchanges).extracting(Exchange::errorDetail).containsExactly(
                "42P01 relation \"nope\" does not exist", "42601 syntax error at or near \"SELEC\"");
        assertThat(exchanges.get(1).operation()).isEqualTo("SELEC");
    }

    @Test
    void aClosedStatementIsForgotten() {
        setUp();
        run.feed(wire.client(parse("s1", "SELECT 1"), sync()), wire.server(parseComplete(), ready()));
        run.feed(wire.client(closeStatement("s1"), sync()), wire.server(closeComplete(), ready()));
        run.feed(wire.client(bind("", "s1"), execute(""), sync()),
                wire.server(error("26000", "prepared statement \"s1\" does not exist"), ready()));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("PREPARE", "CLOSE", "EXECUTE");
        assertThat(exchanges.get(2).resource()).isNull();
    }

    @Test
    void aConnectionJoinedAfterItsSetUpIsParsedFromItsNextMessage() {
        wire.lose(true, 5000);
        wire.lose(false, 3000);
        Segment request = wire.client(query("UPDATE t SET a = 1"));
        run.feed(request, wire.server(commandComplete("UPDATE 1"), ready()));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("UPDATE");
        assertThat(exchanges.get(0).requestSeq()).isEqualTo(request.tcpSeq());
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aConnectionThatSwitchedToTlsIsNotParsed() {
        run.feed(wire.client(PgMessages.sslRequest()), wire.server(new byte[] {'S'}));
        run.feed(wire.client(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 'Q', 0, 0, 0, 8}),
                wire.server(new byte[] {0x16, 0x03, 0x03, 0, 0x7a, 'Z', 0, 0, 0, 5, 'I'}));

        assertThat(parser.encrypted()).isTrue();
        assertThat(exchanges).isEmpty();
        assertThat(parser.counters().skippedBytes()).isEqualTo(21);
    }

    @Test
    void copyDataFromTheClientBelongsToItsQuery() {
        setUp();
        byte[] copy = query("COPY t FROM STDIN");
        byte[] data = concat(PgMessages.message('d', "1\n2\n".getBytes()), PgMessages.message('c'));
        run.feed(wire.client(copy), wire.server(PgMessages.message('G', new byte[] {0, 0, 1, 0, 0})), wire.client(data),
                wire.server(commandComplete("COPY 2"), ready()));

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.operation()).isEqualTo("COPY");
            assertThat(e.requestBytes()).isEqualTo(copy.length + data.length);
        });
    }

    @Test
    void theQueueOfUnansweredRequestsIsBounded() {
        setUp();
        byte[][] requests = new byte[PostgresParser.MAX_PENDING + 10][];
        Arrays.setAll(requests, i -> query("SELECT " + i));
        run.feed(wire.client(requests));
        run.feed(wire.server(commandComplete("SELECT 1"), ready()));

        assertThat(parser.counters().droppedRequests()).isEqualTo(10);
        assertThat(exchanges).extracting(Exchange::resource).containsExactly("SELECT 10");
    }

    private void setUp() {
        byte[][] messages = PgMessages.setUp();
        for (int i = 0; i < messages.length; i++) {
            run.feed(i % 2 == 0 ? wire.client(messages[i]) : wire.server(messages[i]));
        }
    }
}
