package io.tapwire.streams.l7.http;

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
 * Real traffic: curl and a raw socket client against nginx, recorded by the collector (each fixture's first line says
 * how). Every connection is seen twice, from curl's socket and from nginx's, and both must give the same exchanges.
 * nginx sends file bodies with sendfile, so those bodies are counted by their length, never seen.
 */
class HttpCapturesTest {

    private static final HttpParserFactory FACTORY = new HttpParserFactory();

    @Test
    void keepAliveRequestsOfOneCurlCommand() {
        assertEachSide("keep-alive", List.of(
                tuple("GET", "/", "200", false, 79L, 270L),
                tuple("GET", "/index.html?lang&page", "200", false, 104L, 270L),
                tuple("GET", "/missing", "404", false, 86L, 308L)));
    }

    @Test
    void pipelinedRequestsInOneWriteAnsweredInOneRead() {
        assertEachSide("pipelined", List.of(
                tuple("GET", "/", "200", false, 27L, 270L),
                tuple("GET", "/x?id", "404", false, 33L, 308L),
                tuple("HEAD", "/index.html", "200", false, 38L, 236L)));
    }

    @Test
    void headAndBasicAuthenticationOnThreeConnections() {
        assertEachSide("head-and-auth", List.of(
                tuple("HEAD", "/", "200", false, 80L, 236L),
                tuple("GET", "/private/", "401", false, 87L, 378L),
                tuple("GET", "/private/", "200", false, 142L, 270L)));
    }

    @Test
    void aPostWhoseBodyIsLongerThanTheCapturedHead() {
        assertEachSide("post-body", List.of(tuple("POST", "/", "405", false, 6151L, 314L)));
    }

    @Test
    void aChunkedUploadOfOneChunkLongerThanTheCapturedHead() {
        assertEachSide("chunked-post", List.of(tuple("POST", "/index.html", "405", false, 3179L, 314L)));
    }

    @Test
    void aRefusedExpectContinueUploadCountsTheBytesThatCame() {
        // curl announced 2000 bytes and waited for 100 Continue; nginx answered 405 at once and curl sent no body
        assertEachSide("expect-continue", List.of(tuple("PUT", "/upload", "405", false, 178L, 314L)));
    }

    @Test
    void theCapturesParseTheSameWhenTheParserIsRestoredAfterEverySegment() {
        for (String fixture : List.of("keep-alive", "pipelined", "head-and-auth", "post-body", "chunked-post",
                "expect-continue")) {
            assertRoundTrips(FACTORY, sides(fixture));
        }
    }

    /**
     * The exchanges of the client's sockets, in order, and those of the server's, must both be {@code expected}, and
     * name the same TCP sequence numbers (the client's writes and the server's reads of the same bytes).
     */
    private static void assertEachSide(String fixture, List<Tuple> expected) {
        List<Captures.Side> sides = sides(fixture);
        assertNothingLost(sides);
        for (ConnectionRole role : List.of(ConnectionRole.CLIENT, ConnectionRole.SERVER)) {
            List<Exchange> exchanges = Captures.exchanges(sides, role);
            assertThat(exchanges).as("%s, %s side", fixture, role)
                    .extracting(Exchange::operation, Exchange::resource, Exchange::status, Exchange::error,
                            Exchange::requestBytes, Exchange::responseBytes)
                    .containsExactlyElementsOf(expected);
            assertThat(exchanges).allSatisfy(CaptureAssertions::assertWellFormed);
        }
        assertSidesAgree(sides, e -> List.of(e.requestSeq(), e.responseSeq()));
    }

    private static List<Captures.Side> sides(String fixture) {
        return Captures.sides(FACTORY, "/captures/http/" + fixture + ".jsonl");
    }
}
