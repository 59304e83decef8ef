package io.tapwire.streams.l7.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.streams.l7.parse.Captures;
import io.tapwire.streams.l7.parse.Captures.Side;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.StateRoundTrip;
import org.junit.jupiter.api.Test;

/**
 * Real traffic (src/test/resources/captures/dns, recorded with the collector's CaptureFixtures against dnsmasq 2.90
 * answering tapwire.test with 10.1.2.3 and nothing else, no upstream: each file's first line gives the dig command),
 * parsed on dig's socket and on dnsmasq's.
 */
class DnsCapturesTest {

    private static final DnsParserFactory FACTORY = new DnsParserFactory();

    private static List<Side> sides(String capture) {
        return Captures.sides(FACTORY, capture);
    }

    private static List<Exchange> of(List<Side> sides, ConnectionRole role) {
        return Captures.exchanges(sides, role);
    }

    private static void assertSane(List<Side> sides) {
        for (Side side : sides) {
            for (Exchange exchange : side.exchanges()) {
                assertThat(exchange.requestBytes()).isGreaterThan(12);
                assertThat(exchange.responseBytes()).isGreaterThan(12);
                assertThat(exchange.responseFirstNs()).isGreaterThanOrEqualTo(exchange.requestStartNs());
                assertThat(exchange.responseLastNs()).isGreaterThanOrEqualTo(exchange.responseFirstNs());
            }
            assertThat(side.parser().counters().unpairedResponses()).isZero();
            assertThat(side.parser().counters().skippedBytes()).isZero();
            assertThat(((DnsParser) side.parser()).pendingQueries()).isZero();
            StateRoundTrip.assertRestoredMatches(FACTORY, side.run());
        }
    }

    @Test
    void anAQueryOverUdpGetsTheStaticAddress() {
        List<Side> sides = sides("/captures/dns/a-query.jsonl");

        assertThat(sides).extracting(Side::role).containsExactlyInAnyOrder(ConnectionRole.CLIENT, ConnectionRole.SERVER);
        for (ConnectionRole role : List.of(ConnectionRole.CLIENT, ConnectionRole.SERVER)) {
            assertThat(of(sides, role)).extracting(Exchange::operation, Exchange::resource, Exchange::status,
                            Exchange::error, Exchange::answers, Exchange::requestSeq)
                    .containsExactly(tuple("A", "tapwire.test", "ok", false, List.of("10.1.2.3"), -1L));
        }
        assertThat(of(sides, ConnectionRole.CLIENT)).extracting(Exchange::requestBytes, Exchange::responseBytes)
                .containsExactly(tuple(53L, 57L));
        assertSane(sides);
    }

    @Test
    void dnsmasqRefusesAnAaaaQueryForANameItHasOnlyAnIpv4AddressFor() {
        List<Side> sides = sides("/captures/dns/aaaa-query.jsonl");

        assertThat(sides).hasSize(2);
        assertThat(sides).flatExtracting(Side::exchanges)
                .extracting(Exchange::operation, Exchange::resource, Exchange::status, Exchange::error,
                        Exchange::answers)
                .containsOnly(tuple("AAAA", "tapwire.test", "refused", true, List.of()));
        assertSane(sides);
    }

    @Test
    void dnsmasqWithoutUpstreamRefusesAnUnknownName() {
        List<Side> sides = sides("/captures/dns/unknown-name.jsonl");

        assertThat(sides).flatExtracting(Side::exchanges)
                .extracting(Exchange::operation, Exchange::resource, Exchange::status, Exchange::error)
                .containsExactly(tuple("A", "unknown.example", "refused", true),
                        tuple("A", "unknown.example", "refused", true));
        assertSane(sides);
    }

    @Test
    void severalQueriesOfOneDigPairOnDnsmasqsOneSocketByIdAndOnDigsSocketEach() {
        List<Side> sides = sides("/captures/dns/several-queries.jsonl");

        assertThat(sides.stream().filter(s -> s.role() == ConnectionRole.CLIENT)).as("dig's socket per query")
                .hasSize(4).allSatisfy(side -> assertThat(side.exchanges()).hasSize(1));
        for (ConnectionRole role : List.of(ConnectionRole.CLIENT, ConnectionRole.SERVER)) {
            assertThat(of(sides, role)).extracting(Exchange::operation, Exchange::resource, Exchange::status,
                            Exchange::answers)
                    .containsExactly(tuple("A", "tapwire.test", "ok", List.of("10.1.2.3")),
                            tuple("A", "www.tapwire.test", "ok", List.of("10.1.2.3")),
                            tuple("AAAA", "tapwire.test", "refused", List.of()),
                            tuple("MX", "nothere.example", "refused", List.of()));
        }
        assertSane(sides);
    }
}
