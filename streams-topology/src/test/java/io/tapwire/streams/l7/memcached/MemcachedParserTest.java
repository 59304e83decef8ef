package io.tapwire.streams.l7.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ParserFuzz;
import io.tapwire.streams.l7.parse.ParserRun;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateRoundTrip;
import io.tapwire.streams.l7.parse.Wire;
import org.junit.jupiter.api.Test;

class MemcachedParserTest {

    private static final MemcachedParserFactory FACTORY = new MemcachedParserFactory();
    private static final ParserFuzz.TextSamples SAMPLES = new ParserFuzz.TextSamples(List.of(
            "set a 0 0 5\r\nhello\r\n", "get a b c\r\n", "gat 10 a\r\n", "VALUE a 0 5\r\nhello\r\n",
            "END\r\n", "STORED\r\n", "ERROR\r\n", "SERVER_ERROR x\r\n", "VA 3 t\r\nabc\r\n", "mg a v q\r\n",
            "ms a 3 q\r\nabc\r\n", "MN\r\n", "HD\r\n", "EN\r\n", "12\r\n", "set b 0 0 99999999999\r\n",
            "VALUE b 0 4294967295\r\n", "quit\r\n", "incr a 1 noreply\r\n", "STAT pid 1\r\n"), 5,
            "0123456789 \r\nqv");

    /** The collector's capture: the first 1 KiB and the last 64 bytes of each write. */
    private final Wire wire = Wire.capturing(1024, 64);
    private final MemcachedParser parser = (MemcachedParser) FACTORY.create();
    private final ParserRun run = new ParserRun(parser);

    @Test
    void aSessionOfStorageRetrievalAndDeletion() {
        Segment set = wire.client("set greeting 0 0 5\r\nhello\r\n");
        Segment stored = wire.server("STORED\r\n");
        Segment get = wire.client("get greeting\r\n");
        Segment value = wire.server("VALUE greeting 0 5\r\nhello\r\nEND\r\n");
        Segment miss = wire.client("get missing\r\n");
        Segment end = wire.server("END\r\n");
        Segment delete = wire.client("delete greeting\r\n");
        Segment deleted = wire.server("DELETED\r\n");

        List<Exchange> exchanges = run.feed(set, stored, get, value, miss, end, delete, deleted);

        assertThat(exchanges).containsExactly(
                new Exchange("set", "greeting", "ok", false, null, set.firstByteNs(), stored.firstByteNs(),
                        stored.lastByteNs(), set.count(), stored.count(), Wire.CLIENT_SEQ, Wire.SERVER_SEQ, List.of()),
                new Exchange("get", "greeting", "ok", false, null, get.firstByteNs(), value.firstByteNs(),
                        value.lastByteNs(), get.count(), value.count(), Wire.CLIENT_SEQ + set.count(),
                        Wire.SERVER_SEQ + stored.count(), List.of()),
                new Exchange("get", "missing", "ok", false, null, miss.firstByteNs(), end.firstByteNs(),
                        end.lastByteNs(), miss.count(), end.count(), Wire.CLIENT_SEQ + set.count() + get.count(),
                        Wire.SERVER_SEQ + stored.count() + value.count(), List.of()),
                new Exchange("delete", "greeting", "ok", false, null, delete.firstByteNs(), deleted.firstByteNs(),
                        deleted.lastByteNs(), delete.count(), deleted.count(),
                        Wire.CLIENT_SEQ + set.count() + get.count() + miss.count(),
                        Wire.SERVER_SEQ + stored.count() + value.count() + end.count(), List.of()));
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void messagesSplitAcrossSegmentsAreFramedWhole() {
        Segment set1 = wire.client("set k 0 0 10\r\n01234");
        Segment set2 = wire.client("56789\r");
        Segment set3 = wire.client("\n");
        Segment stored1 = wire.server("STO");
        Segment stored2 = wire.server("RED\r\n");
        Segment get = wire.client("get k\r\n");
        Segment value1 = wire.server("VALUE k 0 10\r\n0123");
        Segment value2 = wire.server("456789\r\nEN");
        Segment value3 = wire.server("D\r\n");

        List<Exchange> exchanges = run.feed(set1, set2, set3, stored1, stored2, get, value1, value2, value3);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::requestBytes, Exchange::responseBytes,
                        Exchange::requestStartNs, Exchange::responseFirstNs, Exchange::responseLastNs)
                .containsExactly(
                        tuple("set", set1.count() + set2.count() + set3.count(), stored1.count() + stored2.count(),
                                set1.firstByteNs(), stored1.firstByteNs(), stored2.lastByteNs()),
                        tuple("get", get.count(), value1.count() + value2.count() + value3.count(),
                                get.firstByteNs(), value1.firstByteNs(), value3.lastByteNs()));
    }

    @Test
    void pipelinedCommandsAreAllPairedInOrderAndNoreplyIsNeverPaired() {
        String set = "set a 0 0 1\r\n1\r\n";
        String quiet = "set b 0 0 1 noreply\r\n2\r\n";
        String get = "get a b\r\n";
        String incr = "incr a 5\r\n";
        String delete = "delete b\r\n";
        String answers = "STORED\r\n" + "VALUE a 0 1\r\n1\r\nVALUE b 0 1\r\n2\r\nEND\r\n" + "6\r\n" + "DELETED\r\n";

        List<Exchange> exchanges = run.feed(wire.client(set + quiet + get + incr + delete), wire.server(answers));

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::status,
                        Exchange::requestBytes, Exchange::responseBytes)
                .containsExactly(tuple("set", "a", "ok", (long) set.length(), 8L),
                        tuple("get", "a", "ok", (long) get.length(), 37L),
                        tuple("incr", "a", "ok", (long) incr.length(), 3L),
                        tuple("delete", "b", "ok", (long) delete.length(), 9L));
        assertThat(exchanges).extracting(Exchange::requestSeq).containsExactly(Wire.CLIENT_SEQ,
                Wire.CLIENT_SEQ + set.length() + quiet.length(),
                Wire.CLIENT_SEQ + set.length() + quiet.length() + get.length(),
                Wire.CLIENT_SEQ + set.length() + quiet.length() + get.length() + incr.length());
        assertThat(parser.noReplyRequests()).isEqualTo(1);
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void valuesLongerThanTheCapturedHeadAreFramedByTheirLength() {
        String value = "v".repeat(5000);
        Segment set = wire.client("set big 0 0 5000\r\n" + value + "\r\n");
        Segment stored = wire.server("STORED\r\n");
        Segment get = wire.client("get big\r\n");
        Segment hit = wire.server("VALUE big 0 5000\r\n" + value + "\r\nEND\r\n");
        Segment version = wire.client("version\r\n");
        Segment answer = wire.server("VERSION 1.6.18\r\n");
        assertThat(set.head()).hasSize(1024);

        List<Exchange> exchanges = run.feed(set, stored, get, hit, version, answer);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::requestBytes, Exchange::responseBytes)
                .containsExactly(tuple("set", set.count(), stored.count()), tuple("get", get.count(), hit.count()),
                        tuple("version", version.count(), answer.count()));
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void aGetLineLongerThanTheCapturedHeadEndsInTheCapturedTail() {
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            keys.append(" key").append(i);
        }
        Segment get = wire.client("get" + keys + "\r\n");
        Segment end = wire.server("END\r\n");
        Segment next = wire.client("touch key1 10\r\n");
        Segment touched = wire.server("TOUCHED\r\n");

        List<Exchange> exchanges = run.feed(get, end, next, touched);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::requestBytes)
                .containsExactly(tuple("get", "key0", get.count()), tuple("touch", "key1", next.count()));
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aLostRecordInsideAValueIsSkippedByTheValuesLength() {
        Segment get = wire.client("get big\r\n");
        Segment first = wire.server("VALUE big 0 9000\r\n" + "w".repeat(3000));
        wire.lose(false, 3000);
        Segment last = wire.server("w".repeat(3000) + "\r\nEND\r\n");

        List<Exchange> exchanges = run.feed(get, first, last);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.responseBytes()).isEqualTo(first.count() + 3000 + last.count());
            assertThat(e.responseLastNs()).isEqualTo(last.lastByteNs());
        });
        assertThat(parser.counters().resyncs()).isZero();
    }

    @Test
    void aLostCommandIsResynchronisedAtTheNextOneAndItsResponseIsNotPaired() {
        wire.lose(true, 30);
        Segment stray = wire.server("STORED\r\n");
        Segment get = wire.client("get a\r\n");
        Segment end = wire.server("END\r\n");

        List<Exchange> exchanges = run.feed(stray, get, end);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::status).containsExactly(tuple("get", "ok"));
        assertThat(parser.counters()).isEqualTo(new ParserCounters(1, 1, 30, 0));
    }

    @Test
    void aLostResponseGivesUpOnTheCommandsItMayHaveAnswered() {
        Segment first = wire.client("get a\r\n");
        wire.lose(false, 40);
        Segment second = wire.client("get b\r\n");
        Segment secondEnd = wire.server("END\r\n");
        Segment third = wire.client("get c\r\n");
        Segment thirdEnd = wire.server("END\r\n");

        List<Exchange> exchanges = run.feed(first, second, secondEnd, third, thirdEnd);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status)
                .containsExactly(tuple("a", "unknown"), tuple("b", "unknown"), tuple("c", "ok"));
        assertThat(parser.counters()).isEqualTo(new ParserCounters(1, 1, 40, 2));
    }

    @Test
    void aResponseWithNoCommandWaitingIsCountedAndNeverPairedWithTheNextCommand() {
        Segment stray = wire.server("VALUE x 0 1\r\nx\r\nEND\r\n");
        Segment get = wire.client("get y\r\n");
        Segment end = wire.server("END\r\n");

        List<Exchange> exchanges = run.feed(stray, get, end);

        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.resource()).isEqualTo("y");
            assertThat(e.responseBytes()).isEqualTo(end.count());
        });
        assertThat(parser.counters()).isEqualTo(new ParserCounters(1, 0, 0, 0));
    }

    @Test
    void errorRepliesFailWithTheirMessage() {
        List<Exchange> exchanges = run.feed(
                wire.client("bogus\r\nset k 0 0 abc\r\nincr k 1\r\nget k\r\n"),
                wire.server("ERROR\r\nCLIENT_ERROR bad command line format\r\n"
                        + "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"
                        + "VALUE k 0 1\r\nx\r\nSERVER_ERROR out of memory writing get response\r\n"));

        assertThat(exchanges).extracting(Exchange::operation, Exchange::status, Exchange::error, Exchange::errorDetail)
                .containsExactly(tuple(null, "failed", true, "ERROR"),
                        tuple("set", "failed", true, "CLIENT_ERROR bad command line format"),
                        tuple("incr", "failed", true, "CLIENT_ERROR cannot increment or decrement non-numeric value"),
                        tuple("get", "failed", true, "SERVER_ERROR out of memory writing get response"));
    }

    @Test
    void metaCommandsAndQuietModePairWithTheAnswersThatCome() {
        List<Exchange> exchanges = run.feed(
                wire.client("ms m 2 T90\r\nhi\r\nmg m v q\r\nmg gone v q\r\nmd gone q\r\nma n\r\nmn\r\n"),
                wire.server("HD\r\nVA 2\r\nhi\r\nNF\r\nMN\r\n"));

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::status,
                        Exchange::responseBytes)
                .containsExactly(tuple("ms", "m", "ok", 4L), tuple("mg", "m", "ok", 10L), tuple("ma", "n", "ok", 4L),
                        tuple("mn", null, "ok", 4L));
        assertThat(parser.silentlyAnswered()).as("the quiet miss and the quiet delete").isEqualTo(2);
    }

    @Test
    void commandsWithoutResponsesAreBoundedAndTheOldestGivenUp() {
        List<Exchange> exchanges = new ArrayList<>();
        for (int i = 0; i < MemcachedParser.MAX_PENDING + 10; i++) {
            exchanges.addAll(run.feed(wire.client("get k" + i + "\r\n")));
        }

        assertThat(exchanges).hasSize(10).allSatisfy(e -> assertThat(e.status()).isEqualTo("unknown"));
        assertThat(exchanges.get(0).resource()).isEqualTo("k0");
        assertThat(parser.counters().droppedRequests()).isEqualTo(10);
        assertThat(run.feed(wire.server("END\r\n"))).extracting(Exchange::resource).containsExactly("k10");
    }

    @Test
    void randomAndMutatedBytesNeverThrowAndTheirStateRoundTrips() {
        Random random = new Random(20261127);
        for (int round = 0; round < 3000; round++) {
            Wire fuzz = Wire.capturing(1 + random.nextInt(200), random.nextInt(40));
            ParserFuzz.feed(FACTORY, ParserFuzz.mutatedWrites(random, fuzz, SAMPLES, false), true);
        }
    }

    @Test
    void aParserWrittenAndRestoredAfterEverySegmentYieldsTheSameExchanges() {
        Random random = new Random(11);
        String commands = "set a 0 0 300\r\n" + "x".repeat(300) + "\r\n" + "get a b\r\n"
                + "set n 0 0 1 noreply\r\n1\r\n" + "incr n 2\r\n" + "mg a v q\r\nmg b v q\r\nmn\r\n" + "bogus\r\n";
        String answers = "STORED\r\n" + "VALUE a 0 300\r\n" + "x".repeat(300) + "\r\nEND\r\n" + "3\r\n"
                + "VA 300\r\n" + "x".repeat(300) + "\r\nMN\r\n" + "ERROR\r\n";
        for (int round = 0; round < 200; round++) {
            Wire split = Wire.capturing(20 + random.nextInt(100), random.nextInt(30));
            StateRoundTrip.assertRestoredMatches(FACTORY, ParserFuzz.splitAnywhere(random, split, commands, answers, 1));
        }
    }
}
