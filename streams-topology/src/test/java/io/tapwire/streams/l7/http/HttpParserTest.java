package io.tapwire.streams.l7.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ParserFuzz;
import io.tapwire.streams.l7.parse.ParserRun;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateRoundTrip;
import io.tapwire.streams.l7.parse.Wire;
import org.junit.jupiter.api.Test;

class HttpParserTest {

    private static final HttpParserFactory FACTORY = new HttpParserFactory();
    private static final ParserFuzz.TextSamples SAMPLES = new ParserFuzz.TextSamples(List.of(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "POST /p?a=1 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
            "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\n\r\n",
            "HTTP/1.0 200 OK\r\n\r\nrest",
            "HEAD / HTTP/1.1\r\n\r\n",
            "HTTP/1.1 204 No Content\r\n\r\n",
            "Content-Length: 99999999999999999999\r\n",
            "fffffffffffffffffff\r\n"), 4, "0123456789abcdef\r\n: ;");

    /** The collector's capture: the first 1 KiB and the last 64 bytes of each write. */
    private final Wire wire = Wire.capturing(1024, 64);
    private final ProtocolParser parser = FACTORY.create();
    private final ParserRun run = new ParserRun(parser);

    @Test
    void aKeepAliveConnectionPairsEachRequestWithItsResponse() {
        Segment get = wire.client("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        Segment search = wire.client("GET /search?q=secret&page=2 HTTP/1.1\r\nHost: a\r\n\r\n");
        Segment notFound = wire.server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(get, ok, search, notFound);

        assertThat(exchanges).containsExactly(
                new Exchange("GET", "/index.html", "200", false, null, get.firstByteNs(), ok.firstByteNs(),
                        ok.lastByteNs(), get.count(), ok.count(), Wire.CLIENT_SEQ, Wire.SERVER_SEQ, List.of()),
                new Exchange("GET", "/search?q&page", "404", false, "Not Found", search.firstByteNs(),
                        notFound.firstByteNs(), notFound.lastByteNs(), search.count(), notFound.count(),
                        Wire.CLIENT_SEQ + get.count(), Wire.SERVER_SEQ + ok.count(), List.of()));
    }

    @Test
    void messagesSplitAcrossSegmentsAreFramedWhole() {
        Segment get1 = wire.client("GE");
        Segment get2 = wire.client("T /a HTTP/1.1\r\nHo");
        Segment get3 = wire.client("st: a\r\n\r\n");
        Segment ok1 = wire.server("HTTP/1.1 200 OK\r\nContent-Le");
        Segment ok2 = wire.server("ngth: 10\r\n\r\n01234");
        Segment ok3 = wire.server("56789");

        List<Exchange> exchanges = run.feed(get1, get2, get3, ok1, ok2, ok3);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("/a");
            assertThat(e.requestStartNs()).isEqualTo(get1.firstByteNs());
            assertThat(e.responseFirstNs()).isEqualTo(ok1.firstByteNs());
            assertThat(e.responseLastNs()).isEqualTo(ok3.lastByteNs());
            assertThat(e.requestBytes()).isEqualTo(get1.count() + get2.count() + get3.count());
            assertThat(e.responseBytes()).isEqualTo(ok1.count() + ok2.count() + ok3.count());
        });
    }

    @Test
    void pipelinedRequestsInOneSegmentAreAllPairedInOrder() {
        String get = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
        String head = "HEAD /b HTTP/1.1\r\nHost: a\r\n\r\n";
        String post = "POST /c HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nxyz";
        String okBody = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        String headOk = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
        String created = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";

        List<Exchange> exchanges = run.feed(wire.client(get + head + post), wire.server(okBody + headOk + created));

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::status,
                        Exchange::requestBytes, Exchange::responseBytes)
                .containsExactly(
                        tuple("GET", "/a", "200", (long) get.length(), (long) okBody.length()),
                        tuple("HEAD", "/b", "200", (long) head.length(), (long) headOk.length()),
                        tuple("POST", "/c", "201", (long) post.length(), (long) created.length()));
        assertThat(exchanges).extracting(Exchange::requestSeq).containsExactly(Wire.CLIENT_SEQ,
                Wire.CLIENT_SEQ + get.length(), Wire.CLIENT_SEQ + get.length() + head.length());
        assertThat(exchanges).extracting(Exchange::responseSeq).containsExactly(Wire.SERVER_SEQ,
                Wire.SERVER_SEQ + okBody.length(), Wire.SERVER_SEQ + okBody.length() + headOk.length());
    }

    @Test
    void bodiesLongerThanTheCapturedHeadAreFramedByTheirLength() {
        String body = "a".repeat(5000);
        Segment post = wire.client("POST /upload HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + body);
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n" + "b".repeat(3000));
        Segment next = wire.client("GET /next HTTP/1.1\r\n\r\n");
        Segment noContent = wire.server("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(post.head()).hasSize(1024);
        assertThat(post.tail()).hasSize(64);

        List<Exchange> exchanges = run.feed(post, ok, next, noContent);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::requestBytes, Exchange::responseBytes)
                .containsExactly(tuple("/upload", post.count(), ok.count()),
                        tuple("/next", next.count(), noContent.count()));
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aHeadLongerThanTheCapturedBytesEndsInTheCapturedTail() {
        Segment get = wire.client("GET /profile HTTP/1.1\r\nCookie: " + "c".repeat(2000) + "\r\nAccept: */*\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Security-Policy: "
                + "p".repeat(2000) + "\r\n\r\nbody");
        Segment next = wire.client("GET /next HTTP/1.1\r\n\r\n");
        Segment notModified = wire.server("HTTP/1.1 304 Not Modified\r\n\r\n");

        List<Exchange> exchanges = run.feed(get, ok, next, notModified);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status, Exchange::requestBytes,
                        Exchange::responseBytes)
                .containsExactly(tuple("/profile", "200", get.count(), ok.count()),
                        tuple("/next", "304", next.count(), notModified.count()));
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aSendfileBodyIsCountedAndEndsTheResponse() {
        Segment get = wire.client("GET / HTTP/1.1\r\n\r\n");
        Segment head = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 34\r\n\r\n");
        Segment body = wire.serverSendfile(34);

        List<Exchange> exchanges = run.feed(get, head);
        assertThat(exchanges).as("the body has not come").isEmpty();
        exchanges = run.feed(body);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.responseBytes()).isEqualTo(head.count() + 34);
            assertThat(e.responseLastNs()).isEqualTo(body.lastByteNs());
        });
    }

    @Test
    void chunkedBodiesAreWalkedChunkByChunkAlsoWhereTheirDataWasNotCaptured() {
        Segment get = wire.client("GET /stream HTTP/1.1\r\n\r\n");
        Segment head = wire.server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        Segment chunk = wire.server("800\r\n" + "x".repeat(0x800) + "\r\n");
        Segment small = wire.server("3;name=value\r\nabc\r\n");
        Segment last = wire.server("0\r\nX-Checksum: 1\r\n\r\n");

        List<Exchange> exchanges = run.feed(get, head, chunk, small, last);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.responseBytes()).isEqualTo(head.count() + chunk.count() + small.count() + last.count());
            assertThat(e.responseLastNs()).isEqualTo(last.lastByteNs());
        });
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aChunkedRequestBodyIsFramedBeforeTheNextRequest() {
        Segment post = wire.client("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab");
        Segment rest = wire.client("cd\r\n0\r\n\r\nGET /d HTTP/1.1\r\n\r\n");
        Segment created = wire.server("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(post, rest, created, ok);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::requestBytes).containsExactly(
                tuple("/c", post.count() + "cd\r\n0\r\n\r\n".length()),
                tuple("/d", (long) "GET /d HTTP/1.1\r\n\r\n".length()));
    }

    @Test
    void chunkSizesLostInAStretchNotCapturedAreFoundAgainAtTheLastChunk() {
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            chunks.append("40\r\n").append("y".repeat(0x40)).append("\r\n");
        }
        Segment get = wire.client("GET /many HTTP/1.1\r\n\r\n");
        Segment response = wire.server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
        Segment next = wire.client("GET /after HTTP/1.1\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(get, response, next, ok);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status, Exchange::responseBytes)
                .containsExactly(tuple("/many", "200", response.count()),
                        tuple("/after", "200", ok.count()));
        assertThat(parser.counters().resyncs()).isEqualTo(1);
    }

    @Test
    void aLostRecordInsideABodyIsSkippedByTheBodysLength() {
        Segment get = wire.client("GET /big HTTP/1.1\r\n\r\n");
        Segment head = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + "z".repeat(3000));
        wire.lose(false, 4000);
        Segment rest = wire.server("z".repeat(3000));
        Segment next = wire.client("GET /next HTTP/1.1\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(get, head, rest, next, ok);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::responseBytes).containsExactly(
                tuple("/big", head.count() + 4000 + rest.count()),
                tuple("/next", ok.count()));
        assertThat(exchanges.get(0).responseLastNs()).isEqualTo(rest.lastByteNs());
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aLostRequestIsResynchronisedAtTheNextRequestAndItsResponseIsNotPairedWithIt() {
        wire.lose(true, 40);
        Segment strayResponse = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Segment next = wire.client("GET /b HTTP/1.1\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(strayResponse, next, ok);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status).containsExactly(
                tuple("/b", "202"));
        assertThat(parser.counters()).isEqualTo(new ParserCounters(1, 1, 40, 0));
    }

    @Test
    void aLostResponseGivesUpOnTheRequestsItMayHaveAnsweredInsteadOfPairingThemWrongly() {
        Segment first = wire.client("GET /first HTTP/1.1\r\n\r\n");
        wire.lose(false, 100);
        Segment second = wire.client("GET /second HTTP/1.1\r\n\r\n");
        Segment secondOk = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        Segment third = wire.client("GET /third HTTP/1.1\r\n\r\n");
        Segment thirdOk = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(first, second, secondOk, third, thirdOk);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status).containsExactly(
                tuple("/first", "unknown"),
                tuple("/second", "unknown"),
                tuple("/third", "200"));
        assertThat(exchanges.get(0).responseBytes()).isZero();
        assertThat(exchanges.get(0).responseSeq()).isEqualTo(-1);
        assertThat(exchanges.get(2).responseSeq()).isEqualTo(Wire.SERVER_SEQ + 100 + secondOk.count());
        assertThat(parser.counters()).isEqualTo(new ParserCounters(1, 1, 100, 2));
    }

    @Test
    void bytesThatAreNoHttpAreScannedOverToTheNextStatusLine() {
        Segment get = wire.client("GET /x HTTP/1.1\r\n\r\n");
        Segment garbage = wire.server("\u0000\u0001binary junk\r\nmore junk\r\n");
        Segment next = wire.client("GET /y HTTP/1.1\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(get, garbage, next, ok);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status).containsExactly(
                tuple("/x", "unknown"),
                tuple("/y", "200"));
        assertThat(parser.counters().resyncs()).isEqualTo(1);
        assertThat(parser.counters().skippedBytes()).isEqualTo(garbage.count());
    }

    @Test
    void aResponseWithNoRequestWaitingIsCountedAndNeverPairedWithTheNextRequest() {
        Segment stray = wire.server("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n");
        Segment get = wire.client("GET /a HTTP/1.1\r\n\r\n");
        Segment ok = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        List<Exchange> exchanges = run.feed(stray, get, ok);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("200");
            assertThat(e.responseFirstNs()).isEqualTo(ok.firstByteNs());
        });
        assertThat(parser.counters()).isEqualTo(new ParserCounters(1, 0, 0, 0));
    }

    @Test
    void serverErrorsAreErrorsAndClientErrorsAreNot() {
        List<Exchange> exchanges = run.feed(wire.client("GET /a HTTP/1.1\r\n\r\n"),
                wire.server("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"),
                wire.client("DELETE /b HTTP/1.1\r\n\r\n"),
                wire.server("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));

        assertThat(exchanges).extracting(Exchange::operation, Exchange::status, Exchange::error, Exchange::errorDetail)
                .containsExactly(tuple("GET", "503", true, "Service Unavailable"),
                        tuple("DELETE", "403", false, "Forbidden"));
    }

    @Test
    void aContinueIsNotTheFinalResponse() {
        Segment put = wire.client("PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        Segment carryOn = wire.server("HTTP/1.1 100 Continue\r\n\r\n");
        Segment body = wire.client("data");
        Segment created = wire.server("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(put, carryOn, body, created);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("201");
            assertThat(e.requestBytes()).isEqualTo(put.count() + 4);
            assertThat(e.responseFirstNs()).isEqualTo(created.firstByteNs());
            assertThat(e.responseBytes()).isEqualTo(created.count());
        });
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void switchingProtocolsEndsHttpOnTheConnection() {
        Segment upgrade = wire.client("GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        Segment switching = wire.server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi");
        Segment frame = wire.client("\u0081\u0082abcdGET / HTTP/1.1\r\n\r\n");
        Segment reply = wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        List<Exchange> exchanges = run.feed(upgrade, switching, frame, reply);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status)
                .containsExactly(tuple("/chat", "101"));
        assertThat(parser.counters().resyncs()).isZero();
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void aResponseDelimitedByTheCloseEndsWhenTheClientSendsAgain() {
        Segment get = wire.client("GET /old HTTP/1.0\r\n\r\n");
        Segment head = wire.server("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nabc");
        Segment more = wire.server("defg");

        assertThat(run.feed(get, head, more)).isEmpty();
        Segment next = wire.client("GET /new HTTP/1.0\r\n\r\n");
        List<Exchange> exchanges = run.feed(next);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("/old");
            assertThat(e.responseBytes()).isEqualTo(head.count() + more.count());
            assertThat(e.responseLastNs()).isEqualTo(more.lastByteNs());
        });
    }

    @Test
    void requestsWithoutResponsesAreBoundedAndTheOldestGivenUp() {
        List<Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < HttpParser.MAX_PENDING + 10; i++) {
            exchanges.addAll(run.feed(wire.client("GET /" + i + " HTTP/1.1\r\n\r\n")));
        }

        assertThat(exchanges).hasSize(10).allSatisfy(e -> assertThat(e.status()).isEqualTo("unknown"));
        assertThat(exchanges.get(0).resource()).isEqualTo("/0");
        assertThat(parser.counters().droppedRequests()).isEqualTo(10);
        assertThat(run.feed(wire.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")))
                .extracting(Exchange::resource).containsExactly("/10");
    }

    @Test
    void randomAndMutatedBytesNeverThrowAndTheirStateRoundTrips() {
        Random random = new Random(20261127);
        for (int round = 0; round < 3000; round++) {
            Wire fuzz = Wire.capturing(1 + random.nextInt(200), random.nextInt(40));
            ParserFuzz.feed(FACTORY, ParserFuzz.mutatedWrites(random, fuzz, SAMPLES, true), true);
        }
    }

    @Test
    void aParserWrittenAndRestoredAfterEverySegmentYieldsTheSameExchanges() {
        Random random = new Random(7);
        String conversation = "GET /a?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "HEAD /c HTTP/1.1\r\n\r\n";
        String answers = "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n" + "q".repeat(300)
                + "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "100\r\n" + "r".repeat(256) + "\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 77\r\n\r\n";
        for (int round = 0; round < 200; round++) {
            Wire split = Wire.capturing(20 + random.nextInt(100), random.nextInt(30));
            StateRoundTrip.assertRestoredMatches(FACTORY,
                    ParserFuzz.splitAnywhere(random, split, conversation, answers, 3));
        }
    }
}
