package io.tapwire.streams.l7.redis;

import static io.tapwire.streams.l7.parse.ParserRun.feed;
import static io.tapwire.streams.l7.parse.Wire.CLIENT_SEQ;
import static io.tapwire.streams.l7.parse.Wire.SERVER_SEQ;
import static io.tapwire.streams.l7.parse.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Arrays;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ParserRun;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateRoundTrip;
import io.tapwire.streams.l7.parse.Wire;
import org.junit.jupiter.api.Test;

class RedisParserTest {

    private static final RedisParserFactory FACTORY = new RedisParserFactory();

    /** A RESP request: an array of bulk strings. */
    static String command(String... args) {
        StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            resp.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        return resp.toString();
    }

    static String bulk(String value) {
        return "$" + value.length() + "\r\n" + value + "\r\n";
    }

    private static ProtocolParser parser() {
        return FACTORY.create();
    }

    @Test
    void aWholeConnectionFromItsAuthPairsEachCommandWithItsReply() {
        String auth = command("AUTH", "***************");
        String set = command("SET", "greeting", "hello");
        String get = command("GET", "greeting");
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(auth), wire.server("+OK\r\n"),
                wire.client(set), wire.server("+OK\r\n"),
                wire.client(get), wire.server(bulk("hello")));

        ProtocolParser parser = parser();
        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::status, Exchange::error)
                .containsExactly(tuple("AUTH", null, "ok", false), tuple("SET", "greeting", "ok", false),
                        tuple("GET", "greeting", "ok", false));
        Exchange first = exchanges.get(0);
        assertThat(first.requestStartNs()).isEqualTo(segments.get(0).firstByteNs());
        assertThat(first.responseFirstNs()).isEqualTo(segments.get(1).firstByteNs());
        assertThat(first.responseLastNs()).isEqualTo(segments.get(1).lastByteNs());
        assertThat(first.requestBytes()).isEqualTo(auth.length());
        assertThat(first.responseBytes()).isEqualTo(5);
        assertThat(first.requestSeq()).isEqualTo(CLIENT_SEQ);
        assertThat(first.responseSeq()).isEqualTo(SERVER_SEQ);
        Exchange last = exchanges.get(2);
        assertThat(last.requestSeq()).isEqualTo(CLIENT_SEQ + auth.length() + set.length());
        assertThat(last.responseSeq()).isEqualTo(SERVER_SEQ + 10);
        assertThat(last.responseBytes()).isEqualTo(bulk("hello").length());
        assertThat(last.answers()).isEmpty();
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void messagesSplitAnywhereAcrossSegmentsAreFramedTheSame() {
        String request = command("HSET", "user:1", "name", "ada");
        String reply = "*2\r\n" + bulk("name") + ":1\r\n";
        for (int cut = 1; cut < request.length(); cut++) {
            for (int replyCut = 1; replyCut < reply.length(); replyCut += 3) {
                Wire wire = new Wire();
                List<Segment> segments = List.of(
                        wire.client(request.substring(0, cut)), wire.client(request.substring(cut)),
                        wire.server(reply.substring(0, replyCut)), wire.server(reply.substring(replyCut)));
                ProtocolParser parser = parser();

                List<Exchange> exchanges = feed(parser, segments);

                assertThat(exchanges).as("request cut at %d, reply at %d", cut, replyCut).hasSize(1);
                Exchange exchange = exchanges.get(0);
                assertThat(exchange.operation()).isEqualTo("HSET");
                assertThat(exchange.resource()).isEqualTo("user:1");
                assertThat(exchange.requestBytes()).isEqualTo(request.length());
                assertThat(exchange.responseBytes()).isEqualTo(reply.length());
                assertThat(exchange.requestStartNs()).isEqualTo(segments.get(0).firstByteNs());
                assertThat(exchange.responseFirstNs()).isEqualTo(segments.get(2).firstByteNs());
                assertThat(exchange.responseLastNs()).isEqualTo(segments.get(3).lastByteNs());
                assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
            }
        }
    }

    @Test
    void pipelinedCommandsInOneWritePairWithRepliesInOneRead() {
        String set = command("SET", "a", "1");
        String get = command("GET", "a");
        String incr = command("INCR", "a");
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(set + get + incr),
                wire.server("+OK\r\n" + bulk("1") + ":2\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::requestBytes, Exchange::responseBytes,
                        Exchange::requestSeq, Exchange::responseSeq)
                .containsExactly(
                        tuple("SET", (long) set.length(), 5L, CLIENT_SEQ, SERVER_SEQ),
                        tuple("GET", (long) get.length(), 7L, CLIENT_SEQ + set.length(), SERVER_SEQ + 5),
                        tuple("INCR", (long) incr.length(), 4L, CLIENT_SEQ + set.length() + get.length(),
                                SERVER_SEQ + 12));
        assertThat(exchanges.get(0).requestStartNs()).as("the write's first byte")
                .isEqualTo(segments.get(0).firstByteNs());
        assertThat(exchanges.get(1).requestStartNs()).as("later bytes of the write")
                .isEqualTo(segments.get(0).lastByteNs());
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aLargeValueWhoseMiddleWasNotCapturedIsFramedByItsLength() {
        String value = "x".repeat(5000);
        String set = command("SET", "big", value);
        String getReply = bulk(value);
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(bytes(set), 1024, 64), wire.server("+OK\r\n"),
                wire.client(command("GET", "big")), wire.server(bytes(getReply), 1024, 64),
                wire.client(command("STRLEN", "big")), wire.server(":5000\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::requestBytes,
                        Exchange::responseBytes)
                .containsExactly(tuple("SET", "big", (long) set.length(), 5L),
                        tuple("GET", "big", (long) command("GET", "big").length(), (long) getReply.length()),
                        tuple("STRLEN", "big", (long) command("STRLEN", "big").length(), 7L));
        assertThat(parser.counters()).as("nothing lost, nothing skipped unframed").isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aSegmentTheCaptureNeverShippedInsideAValueIsSkippedByLength() {
        byte[] set = bytes(command("SET", "big", "v".repeat(6000)));
        String value = "w".repeat(40_000);
        byte[] reply = bytes(bulk(value));
        Wire wire = new Wire();
        wire.client(Arrays.copyOfRange(set, 0, 1500), 1024, 64);
        wire.lose(true, 3000);
        wire.client(Arrays.copyOfRange(set, 4500, set.length), 1024, 64);
        wire.server("+OK\r\n");
        wire.client(command("GET", "big"));
        wire.server(Arrays.copyOfRange(reply, 0, 16384), 1024, 64);
        wire.lose(false, 16384);
        wire.server(Arrays.copyOfRange(reply, 32768, reply.length), 1024, 64);
        wire.client(command("PING"));
        wire.server("+PONG\r\n");
        List<Segment> segments = wire.segments();
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::requestBytes, Exchange::responseBytes)
                .containsExactly(tuple("SET", (long) set.length, 5L),
                        tuple("GET", (long) command("GET", "big").length(), (long) reply.length),
                        tuple("PING", 14L, 7L));
        assertThat(exchanges.get(1).responseLastNs()).as("the last read's time")
                .isEqualTo(segments.get(5).lastByteNs());
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aSendfileOfKnownCountInsideAValueIsSkippedByLength() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("GET", "blob")),
                wire.server("$10000\r\n"), wire.serverSendfile(10_000), wire.server("\r\n"),
                wire.client(command("GET", "a")), wire.server("$-1\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::responseBytes)
                .containsExactly(tuple("blob", 10_010L), tuple("a", 5L));
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aReplyWhoseNestingWasNotCapturedEndsWhereTheNextReplyIsFoundAgain() {
        StringBuilder reply = new StringBuilder("*400\r\n");
        for (int i = 0; i < 200; i++) {
            reply.append(bulk("field-" + i)).append(bulk("value-" + i));
        }
        String hgetall = command("HGETALL", "user:1");
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(hgetall),
                wire.server(bytes(reply.substring(0, 4000)), 1024, 64),
                wire.server(bytes(reply.substring(4000)), 1024, 64),
                wire.client(command("PING")), wire.server("+PONG\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::status, Exchange::responseBytes)
                .containsExactly(tuple("HGETALL", "ok", (long) reply.length()), tuple("PING", "ok", 7L));
        assertThat(exchanges.get(0).responseLastNs()).as("the last byte before the framing was found again")
                .isEqualTo(segments.get(2).lastByteNs());
        ParserCounters counters = parser.counters();
        assertThat(counters.resyncs()).isEqualTo(1);
        assertThat(counters.skippedBytes()).isGreaterThan(0);
        assertThat(counters.unpairedResponses()).isZero();
    }

    @Test
    void aSegmentInTheMiddleOfALostReplyIsNotTakenForANewReplyEvenIfItReadsLikeOne() {
        StringBuilder reply = new StringBuilder("*300\r\n");
        for (int i = 0; i < 300; i++) {
            reply.append(bulk("since"));
        }
        String text = reply.toString();
        int cut = text.indexOf("$5\r\nsince", 2000);
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("COMMAND", "DOCS")),
                wire.server(bytes(text.substring(0, cut)), 64, 16),
                wire.server(bytes(text.substring(cut)), 64, 16),
                wire.client(command("GET", "a")), wire.server("$-1\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::responseBytes)
                .containsExactly(tuple("COMMAND", null, (long) text.length()), tuple("GET", "a", 5L));
        assertThat(parser.counters().unpairedResponses()).isZero();
        assertThat(parser.counters().resyncs()).isEqualTo(1);
    }

    @Test
    void aRequestWhoseArgumentsWereNotCapturedIsStillPairedAndTheNextOneFramed() {
        String[] args = new String[401];
        args[0] = "MSET";
        for (int i = 1; i < args.length; i += 2) {
            args[i] = "key-" + i;
            args[i + 1] = "value-" + i;
        }
        String mset = command(args);
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(bytes(mset), 1024, 64), wire.server("+OK\r\n"),
                wire.client(command("GET", "key-1")), wire.server(bulk("value-2")));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::requestBytes)
                .containsExactly(tuple("MSET", "key-1", (long) mset.length()),
                        tuple("GET", "key-1", (long) command("GET", "key-1").length()));
        assertThat(parser.counters().resyncs()).isEqualTo(1);
    }

    @Test
    void aReplyWithNoRequestWaitingIsCountedAndNeverPairedWithTheNextRequest() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.server("+OK\r\n"),
                wire.client(command("GET", "a")), wire.server("$-1\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::responseBytes, Exchange::responseSeq)
                .containsExactly(tuple("GET", 5L, SERVER_SEQ + 5));
        assertThat(parser.counters().unpairedResponses()).isEqualTo(1);
    }

    @Test
    void errorRepliesFailWithTheirMessage() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("INCR", "greeting")),
                wire.server("-ERR value is not an integer or out of range\r\n"),
                wire.client(command("GET", "a", "b")), wire.server("!21\r\nSYNTAX invalid syntax\r\n"),
                wire.client(command("GET", "a")), wire.server("$-1\r\n"));

        List<Exchange> exchanges = feed(parser(), segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::status, Exchange::error, Exchange::errorDetail)
                .containsExactly(tuple("INCR", "failed", true, "ERR value is not an integer or out of range"),
                        tuple("GET", "failed", true, "SYNTAX invalid syntax"),
                        tuple("GET", "ok", false, null));
    }

    @Test
    void resp3RepliesOfEveryTypeAreFramedAndPushesAreNotReplies() {
        String hello = "%3\r\n" + bulk("server") + bulk("redis") + bulk("proto") + ":3\r\n" + bulk("modules") + "*0\r\n";
        String map = "%1\r\n+name\r\n=7\r\ntxt:ada\r\n";
        String set = "~2\r\n+x\r\n+y\r\n";
        String attributed = "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
                + "*2\r\n:2039123\r\n:9543892\r\n";
        String bigNumber = "(3492890328409238509324850943850943825024385\r\n";
        String push = ">2\r\n" + bulk("invalidate") + "*1\r\n" + bulk("a");
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("HELLO", "3")), wire.server(hello),
                wire.client(command("HGETALL", "user:1")), wire.server(map),
                wire.client(command("SMEMBERS", "s")), wire.server(push + set),
                wire.client(command("ZSCORE", "z", "a")), wire.server(",1.5\r\n"),
                wire.client(command("SISMEMBER", "s", "x")), wire.server("#t\r\n"),
                wire.client(command("GET", "missing")), wire.server("_\r\n"),
                wire.client(command("OBJECT", "FREQ", "n")), wire.server(bigNumber),
                wire.client(command("MGET", "a", "b")), wire.server(attributed));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::status,
                        Exchange::responseBytes)
                .containsExactly(tuple("HELLO", null, "ok", (long) hello.length()),
                        tuple("HGETALL", "user:1", "ok", (long) map.length()),
                        tuple("SMEMBERS", "s", "ok", (long) set.length()),
                        tuple("ZSCORE", "z", "ok", 6L),
                        tuple("SISMEMBER", "s", "ok", 4L),
                        tuple("GET", "missing", "ok", 3L),
                        tuple("OBJECT", "n", "ok", (long) bigNumber.length()),
                        tuple("MGET", "a", "ok", (long) attributed.length()));
        assertThat(exchanges.get(2).responseSeq()).as("the set after the push")
                .isEqualTo(SERVER_SEQ + hello.length() + map.length() + push.length());
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aSubscribedResp2ConnectionPairsItsSubscribeAndSkipsPublishedMessages() {
        String confirmations = "*3\r\n" + bulk("subscribe") + bulk("news") + ":1\r\n"
                + "*3\r\n" + bulk("subscribe") + bulk("sport") + ":2\r\n";
        String message = "*3\r\n" + bulk("message") + bulk("news") + bulk("hello");
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("SUBSCRIBE", "news", "sport")), wire.server(confirmations),
                wire.server(message), wire.server(message),
                wire.client(command("PING")), wire.server("*2\r\n" + bulk("pong") + bulk("")),
                wire.client(command("UNSUBSCRIBE", "news")),
                wire.server(message + "*3\r\n" + bulk("unsubscribe") + bulk("news") + ":1\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource)
                .containsExactly(tuple("SUBSCRIBE", "news"), tuple("PING", null), tuple("UNSUBSCRIBE", "news"));
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void aResp3SubscribeIsAnsweredByAPushAndPublishedPushesAreSkipped() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("SUBSCRIBE", "news")),
                wire.server(">3\r\n" + bulk("subscribe") + bulk("news") + ":1\r\n"),
                wire.server(">3\r\n" + bulk("message") + bulk("news") + bulk("hello")),
                wire.client(command("GET", "a")), wire.server("_\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("SUBSCRIBE", "GET");
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void afterMonitorTheParserStopsPairing() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("MONITOR")),
                wire.server("+OK\r\n+1700000000.123456 [0 127.0.0.1:50000] \"GET\" \"a\"\r\n"),
                wire.server("+1700000000.223456 [0 127.0.0.1:50000] \"SET\" \"a\" \"1\"\r\n"),
                wire.client(command("QUIT")));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("MONITOR");
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void inlineCommandsArePairedLikeArrays() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client("PING\r\nSET counter 41\r\n\r\nINCR counter\n"), wire.server("+PONG\r\n+OK\r\n:42\r\n"));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::requestBytes)
                .containsExactly(tuple("PING", null, 6L), tuple("SET", "counter", 16L), tuple("INCR", "counter", 13L));
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void scriptsNameTheirFirstKeyNeverTheScript() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("EVAL", "return redis.call('GET', KEYS[1])", "1", "user:7")),
                wire.server("$-1\r\n"),
                wire.client(command("EVALSHA", "abc", "0")), wire.server("$-1\r\n"),
                wire.client(command("CONFIG", "GET", "maxmemory")), wire.server("*0\r\n"));

        assertThat(feed(parser(), segments)).extracting(Exchange::operation, Exchange::resource)
                .containsExactly(tuple("EVAL", "user:7"), tuple("EVALSHA", null), tuple("CONFIG", null));
    }

    @Test
    void theOldestRequestsBeyondTheCapAreDropped() {
        String get = command("GET", "a");
        Wire wire = new Wire();
        List<Segment> segments = List.of(wire.client(get.repeat(RedisParser.MAX_PENDING + 5)), wire.server("$-1\r\n"));
        RedisParser parser = (RedisParser) parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(parser.counters().droppedRequests()).isEqualTo(5);
        assertThat(exchanges).singleElement().extracting(Exchange::requestSeq)
                .isEqualTo(CLIENT_SEQ + 5L * get.length());
        assertThat(parser.pendingRequests()).isEqualTo(RedisParser.MAX_PENDING - 1);
    }

    @Test
    void aParserWrittenAndRestoredAfterEverySegmentYieldsTheSameExchanges() {
        StringBuilder nested = new StringBuilder("*400\r\n");
        for (int i = 0; i < 400; i++) {
            nested.append(bulk("element-" + i));
        }
        byte[] value = bytes(bulk("v".repeat(30_000)));
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(command("HELLO", "3")), wire.server("%1\r\n" + bulk("proto") + ":3\r\n"),
                wire.client(command("SET", "k", "v").substring(0, 9)),
                wire.client(command("SET", "k", "v").substring(9)),
                wire.server("+O"), wire.server("K\r\n"),
                wire.client(command("GET", "big")), wire.server(Arrays.copyOf(value, 16384), 1024, 64),
                wire.server(Arrays.copyOfRange(value, 16384, value.length), 1024, 64),
                wire.client(command("LRANGE", "list", "0", "-1")), wire.server(bytes(nested.toString()), 1024, 64),
                wire.client(command("SUBSCRIBE", "c")),
                wire.server(">3\r\n" + bulk("subscribe") + bulk("c") + ":1\r\n"),
                wire.server(">3\r\n" + bulk("message") + bulk("c") + bulk("hi")),
                wire.client(command("PING")), wire.server("+PONG\r\n"));
        ParserRun plain = StateRoundTrip.assertRestoredMatches(FACTORY, segments);

        assertThat(plain.exchanges()).extracting(Exchange::operation)
                .containsExactly("HELLO", "SET", "GET", "LRANGE", "SUBSCRIBE", "PING");
    }
}
