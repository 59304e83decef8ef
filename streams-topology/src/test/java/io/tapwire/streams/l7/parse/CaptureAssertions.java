package io.tapwire.streams.l7.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;

import io.tapwire.schemas.raw.ConnectionRole;

/**
 * What every capture of real traffic must show, whatever its protocol: each connection is seen twice, from the
 * client's socket and from the server's, and both must tell the same story.
 */
public final class CaptureAssertions {

    private CaptureAssertions() {
    }

    /** No socket of the capture lost anything: nothing unpaired, resynchronised, skipped or dropped. */
    public static void assertNothingLost(List<Captures.Side> sides) {
        for (Captures.Side side : sides) {
            assertThat(side.parser().counters()).as("the counters of a %s socket", side.role())
                    .isEqualTo(ParserCounters.NONE);
        }
    }

    /**
     * An exchange of a TCP connection as a real server answers it: request and response have bytes, its times go in
     * order from a known start, the TCP sequence numbers of both are known, and no DNS answers.
     */
    public static void assertWellFormed(Exchange e) {
        assertThat(e.requestBytes()).as("%s", e).isPositive();
        assertThat(e.responseBytes()).as("%s", e).isPositive();
        assertThat(e.requestStartNs()).as("%s", e).isPositive();
        assertThat(e.responseFirstNs()).as("%s", e).isGreaterThanOrEqualTo(e.requestStartNs());
        assertThat(e.responseLastNs()).as("%s", e).isGreaterThanOrEqualTo(e.responseFirstNs());
        assertThat(e.requestSeq()).as("%s", e).isNotNegative();
        assertThat(e.responseSeq()).as("%s", e).isNotNegative();
        assertThat(e.answers()).as("%s", e).isEmpty();
    }

    /**
     * The client's sockets and the server's saw the same exchanges, as far as {@code view} shows them (the times
     * differ: one side wrote what the other read), in the same order.
     */
    public static void assertSidesAgree(List<Captures.Side> sides, Function<Exchange, ?> view) {
        List<?> client = Captures.exchanges(sides, ConnectionRole.CLIENT).stream().map(view).toList();
        List<?> server = Captures.exchanges(sides, ConnectionRole.SERVER).stream().map(view).toList();
        assertThat(client).as("the client's exchanges").isNotEmpty();
        assertThat(server).as("the server's exchanges, as the client's").isEqualTo(client);
    }

    /** Every socket parses the same with the parser's state written and restored after each of its records. */
    public static void assertRoundTrips(ProtocolParserFactory factory, List<Captures.Side> sides) {
        for (Captures.Side side : sides) {
            StateRoundTrip.assertRestoredMatches(factory, side.run());
        }
    }
}
