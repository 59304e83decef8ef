package io.tapwire.streams.l7.memcached;

import static io.tapwire.streams.l7.parse.CaptureAssertions.assertNothingLost;
import static io.tapwire.streams.l7.parse.CaptureAssertions.assertRoundTrips;
import static io.tapwire.streams.l7.parse.CaptureAssertions.assertSidesAgree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.streams.l7.parse.CaptureAssertions;
import io.tapwire.streams.l7.parse.Captures;
import io.tapwire.streams.l7.parse.Exchange;
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
            assertRoundTrips(FACTORY, sides(fixture));
        }
    }

    /**
     * The exchanges of the client's sockets, in order, and those of the server's, must both be {@code expected}
     * (operation, resource, status, error, detail), with the same TCP sequence numbers and sizes; each socket of
     * {@code connections} also sent quit (or a noreply command), which no exchange reports. Returns the client's.
     */
    private static List<Exchange> assertEachSide(String fixture, List<Tuple> expected, int connections) {
        List<Captures.Side> sides = sides(fixture);
        assertNothingLost(sides);
        for (ConnectionRole role : List.of(ConnectionRole.CLIENT, ConnectionRole.SERVER)) {
            long noReply = sides.stream().filter(side -> side.role() == role)
                    .mapToLong(side -> ((MemcachedParser) side.parser()).noReplyRequests()).sum();
            assertThat(noReply).as("%s, %s side: quit and noreply", fixture, role).isGreaterThanOrEqualTo(connections);
            List<Exchange> exchanges = Captures.exchanges(sides, role);
            assertThat(exchanges).as("%s, %s side", fixture, role)
                    .extracting(Exchange::operation, Exchange::resource, Exchange::status, Exchange::error,
                            Exchange::errorDetail)
                    .containsExactlyElementsOf(expected);
            assertThat(exchanges).allSatisfy(CaptureAssertions::assertWellFormed);
        }
        assertSidesAgree(sides,
                e -> List.of(e.requestSeq(), e.responseSeq(), e.requestBytes(), e.responseBytes()));
        return Captures.exchanges(sides, ConnectionRole.CLIENT);
    }

    private static List<Captures.Side> sides(String fixture) {
        return Captures.sides(FACTORY, "/captures/memcached/" + fixture + ".jsonl");
    }
}
