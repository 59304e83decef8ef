package io.tapwire.streams.l7.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.streams.l7.parse.Captures;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.PayloadSegments;
import io.tapwire.streams.l7.parse.Segment;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Real traffic: libmemcached-tools and a raw socket client against memcached 1.6, recorded by the collector (each
 * fixture's first line says how). Every connection is seen twice, from the client's socket and from memcached's, and
 * both must give the same exchanges.
 */
class MemcachedCapturesTest {

    private static final MemcachedParserFactory FACTORY = new MemcachedParserFactory();

    @Test
    void memccpStoresAndMemccatReadsAHitAndAMiss() {
        List<Exchange> exchanges = assertEachSide("memccp-memccat", List.of(
                tuple("set", "tapwire-greeting", "ok", false, null),
                tuple("get", "tapwire-greeting", "ok", false, null),
                tuple("get", "tapwire-missing-key", "ok", false, null)), 3);
        assertThat(exchanges).extracting(Exchange::requestBytes, Exchange::responseBytes)
                .as("the miss is END alone").containsExactly(tuple(44L, 8L), tuple(22L, 49L), tuple(25L, 5L));
    }

    @Test
    void memcslapSetsValuesLongerThanTheCapturedHead() {
        List<Exchange> exchanges = assertEachSide("memcslap", List.of(
                tuple("set", "n2C5dwlBCsx6Eg6eHnbSm23sB4dpKORceIoRW", "ok", false, null),
                tuple("set", "IWK5Dbny5kIdTY0RxSbXF", "ok", false, null),
                tuple("set", "fWY6jxT72R42dn4HYa37QsE2o2c", "ok", false, null),
                tuple("set", "FuS32cJFckt3hTR3GQw45", "ok", false, null),
                tuple("set", "Hyb0yBt9GkWgE2HXe9T3lBDoBPfdMGLGkc9qNN91gR", "ok", false, null)), 1);
        assertThat(exchanges).extracting(Exchange::requestBytes).containsExactly(273L, 4678L, 532L, 1431L, 952L);
        assertThat(exchanges).extracting(Exchange::responseBytes).containsOnly(8L);
    }

    @Test
    void aPipelinedTextSessionWithNoreplyMetaCommandsAndErrors() {
        List<Exchange> exchanges = assertEachSide("text-session", List.of(
                tuple("set", "greeting", "ok", false, null),
                tuple("get", "greeting", "ok", false, null),
                tuple("incr", "counter", "ok", false, null),
                tuple("set", "counter", "ok", false, null),
                tuple("incr", "counter", "ok", false, null),
                tuple(null, null, "failed", true, "ERROR"),
                tuple("append", "greeting", "ok", false, null),
                tuple("touch", "greeting", "ok", false, null),
                tuple("delete", "quiet", "ok", false, null),
                tuple("delete", "quiet", "ok", false, null),
                tuple("set", "toolong", "failed", true, "CLIENT_ERROR bad command line format"),
                tuple("version", null, "ok", false, null),
                tuple("mn", null, "ok", false, null),
                tuple("ms", "meta", "ok", false, null),
                tuple("mg", "meta", "ok", false, null),
                tuple("mg", "nothing", "ok", false, null),
                tuple("md", "meta", "ok", false, null),
                tuple("mn", null, "ok", false, null),
                tuple("set", "big", "ok", false, null),
                tuple("get", "big", "ok", false, null)), 1);
        Exchange getBig = exchanges.get(exchanges.size() - 1);
        assertThat(getBig.requestBytes()).isEqualTo("get big greeting\r\n".length());
        assertThat(getBig.responseBytes()).as("two values, the first longer than the captured head")
                .isEqualTo(18 + 3002 + 21 + 13 + 5);
        assertThat(exchanges.get(exchanges.size() - 2).requestBytes()).isEqualTo(18 + 3002);
    }

    @Test
    void theCapturesParseTheSameWhenTheParserIsRestoredAfterEverySegment() {
        for (String fixture : List.of("memccp-memccat", "memcslap", "text-session")) {
            for (List<PayloadEvent> socket : sockets(fixture).values()) {
                List<Segment> segments = new ArrayList<>();
                socket.forEach(e -> segments.add(PayloadSegments.of(e)));
                MemcachedParserTest.assertRestoredParserMatches(segments);
            }
        }
    }

    /**
     * The exchanges of the client's sockets, in order, and those of the server's, must both be {@code expected}
     * (operation, resource, status, error, detail), with the same TCP sequence numbers; each socket of
     * {@code connections} also sent quit (or a noreply command), which no exchange reports. Returns the client's.
     */
    private static List<Exchange> assertEachSide(String fixture, List<Tuple> expected, int connections) {
        List<List<Exchange>> sides = new ArrayList<>();
        for (ConnectionRole role : List.of(ConnectionRole.CLIENT, ConnectionRole.SERVER)) {
            List<Exchange> exchanges = new ArrayList<>();
            long noReply = 0;
            for (List<PayloadEvent> socket : sockets(fixture).values()) {
                if (socket.get(0).getRole() != role) {
                    continue;
                }
                MemcachedParser parser = (MemcachedParser) FACTORY.create();
                socket.forEach(e -> parser.accept(PayloadSegments.of(e), exchanges::add));
                assertThat(parser.counters()).as("%s, %s side", fixture, role).isEqualTo(ParserCounters.NONE);
                noReply += parser.noReplyRequests();
            }
            assertThat(noReply).as("%s, %s side: quit and noreply", fixture, role).isGreaterThanOrEqualTo(connections);
            assertThat(exchanges).as("%s, %s side", fixture, role)
                    .extracting(Exchange::operation, Exchange::resource, Exchange::status, Exchange::error,
                            Exchange::errorDetail)
                    .containsExactlyElementsOf(expected);
            assertThat(exchanges).allSatisfy(e -> {
                assertThat(e.requestBytes()).isPositive();
                assertThat(e.responseBytes()).isPositive();
                assertThat(e.requestStartNs()).isPositive();
                assertThat(e.responseFirstNs()).isGreaterThanOrEqualTo(e.requestStartNs());
                assertThat(e.responseLastNs()).isGreaterThanOrEqualTo(e.responseFirstNs());
            });
            sides.add(exchanges);
        }
        assertThat(sequenceNumbers(sides.get(0))).as("%s: the client's and the server's sequence numbers", fixture)
                .isEqualTo(sequenceNumbers(sides.get(1)));
        assertThat(sides.get(0)).extracting(Exchange::requestBytes, Exchange::responseBytes)
                .isEqualTo(sides.get(1).stream().map(e -> tuple(e.requestBytes(), e.responseBytes())).toList());
        return sides.get(0);
    }

    private static List<Long> sequenceNumbers(List<Exchange> exchanges) {
        return exchanges.stream().flatMap(e -> Stream.of(e.requestSeq(), e.responseSeq())).toList();
    }

    private static Map<Long, List<PayloadEvent>> sockets(String fixture) {
        return Captures.bySocket(Captures.read("/captures/memcached/" + fixture + ".jsonl"));
    }
}
