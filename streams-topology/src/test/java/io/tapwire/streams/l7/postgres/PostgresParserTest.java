package io.tapwire.streams.l7.postgres;

import static io.tapwire.streams.l7.postgres.PgWire.bind;
import static io.tapwire.streams.l7.postgres.PgWire.bindComplete;
import static io.tapwire.streams.l7.postgres.PgWire.closeComplete;
import static io.tapwire.streams.l7.postgres.PgWire.closeStatement;
import static io.tapwire.streams.l7.postgres.PgWire.commandComplete;
import static io.tapwire.streams.l7.postgres.PgWire.concat;
import static io.tapwire.streams.l7.postgres.PgWire.dataRow;
import static io.tapwire.streams.l7.postgres.PgWire.error;
import static io.tapwire.streams.l7.postgres.PgWire.execute;
import static io.tapwire.streams.l7.postgres.PgWire.extended;
import static io.tapwire.streams.l7.postgres.PgWire.extendedResult;
import static io.tapwire.streams.l7.postgres.PgWire.notice;
import static io.tapwire.streams.l7.postgres.PgWire.notification;
import static io.tapwire.streams.l7.postgres.PgWire.parameterStatus;
import static io.tapwire.streams.l7.postgres.PgWire.parse;
import static io.tapwire.streams.l7.postgres.PgWire.parseComplete;
import static io.tapwire.streams.l7.postgres.PgWire.query;
import static io.tapwire.streams.l7.postgres.PgWire.ready;
import static io.tapwire.streams.l7.postgres.PgWire.rowDescription;
import static io.tapwire.streams.l7.postgres.PgWire.sync;
import static io.tapwire.streams.l7.postgres.PgWire.terminate;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hand-built PostgreSQL conversations, each also checked to parse the same when the parser's state is written and
 * restored after every segment.
 */
class PostgresParserTest {

    private static final PostgresParserFactory FACTORY = new PostgresParserFactory();

    private final PgWire wire = new PgWire();
    private final PostgresParser parser = (PostgresParser) FACTORY.create();
    private final List<Segment> fed = new ArrayList<>();
    private final List<Exchange> exchanges = new ArrayList<>();

    @AfterEach
    void theSameWithTheStateWrittenAndRestoredAfterEverySegment() {
        assertThat(StateRoundTrip.parseRestoringAfterEachSegment(FACTORY, fed))
                .isEqualTo(new StateRoundTrip.Result(exchanges, parser.counters()));
    }

    @Test
    void aWholeConnectionFromItsSslRequestOn() {
        setUp();
        Segment request = wire.client(query("SELECT 1"));
        Segment response = wire.server(rowDescription(), dataRow("1"), commandComplete("SELECT 1"), ready());
        feed(request, response, wire.client(terminate()));

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
        feed(first, wire.client(Arrays.copyOfRange(request, 2, 9)),
                wire.client(Arrays.copyOfRange(request, 9, request.length)));
        Segment answer = wire.server(Arrays.copyOfRange(response, 0, 3));
        Segment last = wire.server(Arrays.copyOfRange(response, 3, response.length - 2));
        assertThat(exchanges).as("ReadyForQuery is not whole yet").isEmpty();
        feed(answer, last);
        Segment end = wire.server(Arrays.copyOfRange(response, response.length - 2, response.length));
        feed(end);

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
        feed(requests, responses);

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
        feed(wire.client(query("SELECT body FROM pages")));
        byte[] response = concat(rowDescription(), dataRow("x".repeat(9000)), commandComplete("SELECT 1"), ready());
        Segment cut = wire.cut(false, response, 1024, 64);
        feed(cut);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.responseBytes()).isEqualTo(response.length);
            assertThat(e.responseLastNs()).isEqualTo(cut.lastByteNs());
        });
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aLostStretchInsideAMessageBodyIsSkippedByLength() {
        setUp();
        feed(wire.client(query("SELECT body FROM pages")));
        byte[] response = concat(rowDescription(), dataRow("y".repeat(5000)), commandComplete("SELECT 1"), ready());
        feed(wire.server(Arrays.copyOfRange(response, 0, 1000)));
        wire.lose(false, 3000);
        feed(wire.server(Arrays.copyOfRange(response, 4000, response.length)));

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
        feed(wire.client(query("SELECT n FROM numbers")));
        List<byte[]> rows = new ArrayList<>();
        rows.add(rowDescription());
        for (int i = 0; i < 200; i++) {
            rows.add(dataRow("row-" + i));
        }
        rows.add(commandComplete("SELECT 200"));
        rows.add(ready());
        byte[] response = concat(rows.toArray(byte[][]::new));
        feed(wire.server(Arrays.copyOfRange(response, 0, 300)));
        wire.lose(false, response.length - 300 - 150);
        feed(wire.server(Arrays.copyOfRange(response, response.length - 150, response.length)));
        feed(wire.client(query("SELECT 2")), wire.server(rowDescription(), dataRow("2"), commandComplete("SELECT 1"),
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
        feed(wire.server(commandComplete("SELECT 1"), ready()));
        Segment request = wire.client(query("SELECT 2"));
        byte[] response = concat(rowDescription(), dataRow("2"), commandComplete("SELECT 1"), ready());
        feed(request, wire.server(response));

        assertThat(parser.counters().unpairedResponses()).isEqualTo(1);
        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("SELECT 2");
            assertThat(e.responseBytes()).isEqualTo(response.length);
        });
    }

    @Test
    void notificationsNoticesAndParameterChangesBetweenRequestsAreNoResponses() {
        setUp();
        feed(wire.server(notification("jobs"), parameterStatus("TimeZone", "UTC"), notice("hello")));
        feed(wire.client(query("LISTEN jobs")), wire.server(commandComplete("LISTEN"), ready()));

        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
        assertThat(exchanges).extracting(Exchange::operation).containsExactly("LISTEN");
    }

    @Test
    void anErrorResponseFailsTheExchangeWithSqlstateAndMessage() {
        setUp();
        feed(wire.client(query("SELECT * FROM nope")),
                wire.server(error("42P01", "relation \"nope\" does not exist"), ready()));
        feed(wire.client(extended("SELEC 1")), wire.server(error("42601", "syntax error at or near \"SELEC\""),
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
        feed(wire.client(parse("s1", "SELECT 1"), sync()), wire.server(parseComplete(), ready()));
        feed(wire.client(closeStatement("s1"), sync()), wire.server(closeComplete(), ready()));
        feed(wire.client(bind("", "s1"), execute(""), sync()),
                wire.server(error("26000", "prepared statement \"s1\" does not exist"), ready()));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("PREPARE", "CLOSE", "EXECUTE");
        assertThat(exchanges.get(2).resource()).isNull();
    }

    @Test
    void aConnectionJoinedAfterItsSetUpIsParsedFromItsNextMessage() {
        wire.lose(true, 5000);
        wire.lose(false, 3000);
        Segment request = wire.client(query("UPDATE t SET a = 1"));
        feed(request, wire.server(commandComplete("UPDATE 1"), ready()));

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("UPDATE");
        assertThat(exchanges.get(0).requestSeq()).isEqualTo(request.tcpSeq());
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aConnectionThatSwitchedToTlsIsNotParsed() {
        feed(wire.client(PgWire.sslRequest()), wire.server(new byte[] {'S'}));
        feed(wire.client(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 'Q', 0, 0, 0, 8}),
                wire.server(new byte[] {0x16, 0x03, 0x03, 0, 0x7a, 'Z', 0, 0, 0, 5, 'I'}));

        assertThat(parser.encrypted()).isTrue();
        assertThat(exchanges).isEmpty();
        assertThat(parser.counters().skippedBytes()).isEqualTo(21);
    }

    @Test
    void copyDataFromTheClientBelongsToItsQuery() {
        setUp();
        byte[] copy = query("COPY t FROM STDIN");
        byte[] data = concat(PgWire.message('d', "1\n2\n".getBytes()), PgWire.message('c'));
        feed(wire.client(copy), wire.server(PgWire.message('G', new byte[] {0, 0, 1, 0, 0})), wire.client(data),
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
        feed(wire.client(requests));
        feed(wire.server(commandComplete("SELECT 1"), ready()));

        assertThat(parser.droppedRequests()).isEqualTo(10);
        assertThat(exchanges).extracting(Exchange::resource).containsExactly("SELECT 10");
    }

    private void setUp() {
        byte[][] messages = PgWire.setUp();
        for (int i = 0; i < messages.length; i++) {
            feed(i % 2 == 0 ? wire.client(messages[i]) : wire.server(messages[i]));
        }
    }

    private void feed(Segment... segments) {
        for (Segment segment : segments) {
            fed.add(segment);
            parser.accept(segment, exchanges::add);
        }
    }
}
