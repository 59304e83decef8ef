package io.tapwire.streams.l7.dns;

import static io.tapwire.streams.l7.dns.DnsMessages.A;
import static io.tapwire.streams.l7.dns.DnsMessages.AAAA;
import static io.tapwire.streams.l7.dns.DnsMessages.a;
import static io.tapwire.streams.l7.dns.DnsMessages.aaaa;
import static io.tapwire.streams.l7.dns.DnsMessages.cname;
import static io.tapwire.streams.l7.dns.DnsMessages.query;
import static io.tapwire.streams.l7.dns.DnsMessages.response;
import static io.tapwire.streams.l7.dns.DnsMessages.tcp;
import static io.tapwire.streams.l7.parse.ParserRun.feed;
import static io.tapwire.streams.l7.parse.Wire.CLIENT_SEQ;
import static io.tapwire.streams.l7.parse.Wire.SERVER_SEQ;
import static io.tapwire.streams.l7.parse.Wire.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
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

class DnsParserTest {

    private static final DnsParserFactory FACTORY = new DnsParserFactory();
    private static final byte[] IPV6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private static ProtocolParser parser() {
        return FACTORY.create();
    }

    @Test
    void udpResponsesPairByQueryIdNotByOrder() {
        byte[] q1 = query(0x1111, "Tapwire.Test.", A);
        byte[] q2 = query(0x2222, "tapwire.test", AAAA);
        byte[] r2 = response(0x2222, "tapwire.test", AAAA, 0, aaaa(IPV6));
        byte[] r1 = response(0x1111, "Tapwire.Test", A, 0, a(10, 1, 2, 3), a(10, 1, 2, 4));
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.clientDatagram(q1), wire.clientDatagram(q2), wire.serverDatagram(r2),
                wire.serverDatagram(r1));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::resource, Exchange::status, Exchange::error,
                        Exchange::answers)
                .containsExactly(tuple("AAAA", "tapwire.test", "ok", false, List.of("2001:db8:0:0:0:0:0:1")),
                        tuple("A", "tapwire.test", "ok", false, List.of("10.1.2.3", "10.1.2.4")));
        Exchange aaaa = exchanges.get(0);
        assertThat(aaaa.requestStartNs()).isEqualTo(segments.get(1).firstByteNs());
        assertThat(aaaa.responseFirstNs()).isEqualTo(segments.get(2).firstByteNs());
        assertThat(aaaa.responseLastNs()).isEqualTo(segments.get(2).lastByteNs());
        assertThat(aaaa.requestBytes()).isEqualTo(q2.length);
        assertThat(aaaa.responseBytes()).isEqualTo(r2.length);
        assertThat(aaaa.requestSeq()).as("UDP has no sequence numbers").isEqualTo(-1);
        assertThat(aaaa.responseSeq()).isEqualTo(-1);
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void responseCodesBecomeStatusLabelsAndOnlyServerFailuresAreErrors() {
        Wire wire = new Wire();
        int[] rcodes = {0, 1, 2, 3, 4, 5, 9};
        for (int i = 0; i < rcodes.length; i++) {
            wire.clientDatagram(query(i, "n" + i + ".example", A));
            wire.serverDatagram(response(i, "n" + i + ".example", A, rcodes[i]));
        }

        List<Exchange> exchanges = feed(parser(), wire.segments());

        assertThat(exchanges).extracting(Exchange::status, Exchange::error, Exchange::answers)
                .containsExactly(tuple("ok", false, List.of()), tuple("format_error", true, List.of()),
                        tuple("servfail", true, List.of()), tuple("nxdomain", false, List.of()),
                        tuple("not_implemented", true, List.of()), tuple("refused", true, List.of()),
                        tuple("rcode9", false, List.of()));
    }

    @Test
    void queryTypesAreNamedAndTheRootIsADot() {
        Wire wire = new Wire();
        int[] types = {5, 15, 16, 33, 12, 2, 6, 255, 65, 64, 4242};
        for (int i = 0; i < types.length; i++) {
            wire.clientDatagram(query(i, "_sip._tcp.example.org", types[i]));
            wire.serverDatagram(response(i, "_sip._tcp.example.org", types[i], 0));
        }
        wire.clientDatagram(query(99, ".", 2));
        wire.serverDatagram(response(99, ".", 2, 0));

        List<Exchange> exchanges = feed(parser(), wire.segments());

        assertThat(exchanges).extracting(Exchange::operation).containsExactly("CNAME", "MX", "TXT", "SRV", "PTR",
                "NS", "SOA", "ANY", "HTTPS", "SVCB", "TYPE4242", "NS");
        assertThat(exchanges.get(0).resource()).isEqualTo("_sip._tcp.example.org");
        assertThat(exchanges.get(exchanges.size() - 1).resource()).isEqualTo(".");
    }

    @Test
    void onlyAddressAnswersAreKeptAlsoBehindACname() {
        byte[] r = response(7, "www.example.org", A, 0, cname("edge.example.net"), a(192, 0, 2, 10));

        Wire wire = new Wire();
        List<Exchange> exchanges = feed(parser(),
                List.of(wire.clientDatagram(query(7, "www.example.org", A)), wire.serverDatagram(r)));

        assertThat(exchanges).singleElement().extracting(Exchange::answers).isEqualTo(List.of("192.0.2.10"));
    }

    @Test
    void aResponseWithNoQueryWaitingIsCountedAndNeverPairedWithTheNextQuery() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.serverDatagram(response(5, "tapwire.test", A, 0, a(10, 1, 2, 3))),
                wire.clientDatagram(query(5, "tapwire.test", A)),
                wire.serverDatagram(response(5, "tapwire.test", A, 0, a(10, 9, 9, 9))));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).singleElement().extracting(Exchange::answers).isEqualTo(List.of("10.9.9.9"));
        assertThat(parser.counters().unpairedResponses()).isEqualTo(1);
    }

    @Test
    void theSameIdForTwoQuestionsPairsByQuestion() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.clientDatagram(query(9, "a.example", A)), wire.clientDatagram(query(9, "b.example", A)),
                wire.serverDatagram(response(9, "b.example", A, 0, a(2, 2, 2, 2))),
                wire.serverDatagram(response(9, "a.example", A, 3)));

        assertThat(feed(parser(), segments)).extracting(Exchange::resource, Exchange::status)
                .containsExactly(tuple("b.example", "ok"), tuple("a.example", "nxdomain"));
    }

    @Test
    void aDatagramLongerThanTheHeadIsReadAsFarAsItWasCaptured() {
        DnsMessages.Answer[] answers = new DnsMessages.Answer[100];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = a(10, 0, i / 256, i % 256);
        }
        byte[] r = response(3, "many.example", A, 0, answers);
        int head = 200;
        int wholeAnswers = (head - (12 + 14 + 4)) / 16;

        Wire wire = new Wire();
        List<Exchange> exchanges = feed(parser(),
                List.of(wire.clientDatagram(query(3, "many.example", A)), wire.serverDatagram(r, head, 64)));

        Exchange exchange = exchanges.get(0);
        assertThat(exchange.responseBytes()).isEqualTo(r.length);
        assertThat(exchange.answers()).hasSize(wholeAnswers).startsWith("10.0.0.0", "10.0.0.1");
    }

    @Test
    void queriesLeftUnansweredTooLongOrBehindTooManyNewerOnesAreDropped() {
        Wire wire = new Wire();
        wire.clientDatagram(query(1, "old.example", A));
        wire.pause(31_000_000_000L);
        for (int i = 0; i < PendingQueries.MAX_PENDING + 1; i++) {
            wire.clientDatagram(query(1000 + i, "n.example", A));
        }
        wire.serverDatagram(response(1, "old.example", A, 0));
        wire.serverDatagram(response(1000, "n.example", A, 0));
        wire.serverDatagram(response(1001, "n.example", A, 0));
        DnsParser parser = (DnsParser) parser();

        List<Exchange> exchanges = feed(parser, wire.segments());

        assertThat(exchanges).as("only the query that is neither too old nor too far behind").hasSize(1);
        assertThat(parser.counters().droppedRequests()).isEqualTo(2);
        assertThat(parser.counters().unpairedResponses()).isEqualTo(2);
        assertThat(parser.pendingQueries()).isEqualTo(PendingQueries.MAX_PENDING - 1);
    }

    @Test
    void datagramsThatAreNoDnsMessageOfTheirDirectionAreSkippedAndCounted() {
        byte[] junk = "hello, not dns".getBytes(StandardCharsets.US_ASCII);
        byte[] loop = concat(Arrays.copyOf(query(4, "x", A), 12), new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1});
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.clientDatagram(query(1, "a.example", A)),
                wire.clientDatagram(response(2, "b.example", A, 0)),
                wire.clientDatagram(new byte[] {1, 2, 3}),
                wire.clientDatagram(loop),
                wire.serverDatagram(junk),
                wire.serverDatagram(response(1, "a.example", A, 0, a(1, 1, 1, 1))));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::resource).containsExactly("a.example");
        assertThat(parser.counters().skippedBytes()).as("a response sent by the client, 3 bytes, the junk")
                .isEqualTo(response(2, "b.example", A, 0).length + 3 + junk.length);
        assertThat(parser.counters().unpairedResponses()).isZero();
    }

    @Test
    void overTcpMessagesAreFramedByTheirLengthPrefixAlsoSplitOrSeveralInOneSegment() {
        byte[] q1 = tcp(query(0x0A0A, "tapwire.test", A));
        byte[] q2 = tcp(query(0x0B0B, "tapwire.test", AAAA));
        byte[] r1 = tcp(response(0x0A0A, "tapwire.test", A, 0, a(10, 1, 2, 3)));
        byte[] r2 = tcp(response(0x0B0B, "tapwire.test", AAAA, 0));
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(Arrays.copyOf(q1, 2)),
                wire.client(Arrays.copyOfRange(q1, 2, q1.length)),
                wire.client(q2),
                wire.server(concat(r1, Arrays.copyOf(r2, 5))),
                wire.server(Arrays.copyOfRange(r2, 5, r2.length)));
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::operation, Exchange::requestBytes, Exchange::responseBytes,
                        Exchange::requestSeq, Exchange::responseSeq, Exchange::answers)
                .containsExactly(
                        tuple("A", (long) q1.length, (long) r1.length, CLIENT_SEQ, SERVER_SEQ, List.of("10.1.2.3")),
                        tuple("AAAA", (long) q2.length, (long) r2.length, CLIENT_SEQ + q1.length,
                                SERVER_SEQ + r1.length, List.of()));
        assertThat(exchanges.get(0).requestStartNs()).as("the length prefix's write")
                .isEqualTo(segments.get(0).firstByteNs());
        assertThat(exchanges.get(1).responseLastNs()).isEqualTo(segments.get(4).lastByteNs());
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void overTcpAResponseLongerThanTheHeadIsFramedByItsLengthAndAGapAtABoundaryResyncs() {
        DnsMessages.Answer[] answers = new DnsMessages.Answer[120];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = a(10, 0, 0, i);
        }
        byte[] big = tcp(response(1, "many.example", A, 0, answers));
        byte[] lostQuery = tcp(query(2, "lost.example", A));
        byte[] lostResponse = tcp(response(2, "lost.example", A, 0, a(1, 2, 3, 4)));
        Wire wire = new Wire();
        wire.client(tcp(query(1, "many.example", A)));
        wire.server(big, 1024, 64);
        wire.lose(true, lostQuery.length);
        wire.lose(false, lostResponse.length);
        wire.client(tcp(query(3, "next.example", A)));
        wire.server(tcp(response(3, "next.example", A, 0, a(3, 3, 3, 3))));
        List<Segment> segments = wire.segments();
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::responseBytes)
                .containsExactly(tuple("many.example", (long) big.length),
                        tuple("next.example", (long) tcp(response(3, "next.example", A, 0, a(3, 3, 3, 3))).length));
        assertThat(exchanges.get(0).answers()).hasSize((1024 - 2 - 12 - 18) / 16);
        assertThat(parser.counters().resyncs()).as("one per direction").isEqualTo(2);
        assertThat(parser.counters().skippedBytes()).isEqualTo(lostQuery.length + lostResponse.length);
    }

    @Test
    void overTcpAWriteTheCaptureNeverShippedInsideAMessageIsSkippedByLength() {
        DnsMessages.Answer[] answers = new DnsMessages.Answer[40];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = a(10, 0, 1, i);
        }
        byte[] r = tcp(response(6, "gap.example", A, 0, answers));
        Wire wire = new Wire();
        wire.client(tcp(query(6, "gap.example", A)));
        wire.server(Arrays.copyOf(r, 200));
        wire.lose(false, 300);
        wire.server(Arrays.copyOfRange(r, 500, r.length));
        wire.client(tcp(query(7, "next.example", A)));
        wire.server(tcp(response(7, "next.example", A, 3)));
        List<Segment> segments = wire.segments();
        ProtocolParser parser = parser();

        List<Exchange> exchanges = feed(parser, segments);

        assertThat(exchanges).extracting(Exchange::resource, Exchange::status, Exchange::responseBytes)
                .containsExactly(tuple("gap.example", "ok", (long) r.length),
                        tuple("next.example", "nxdomain", (long) tcp(response(7, "next.example", A, 3)).length));
        assertThat(exchanges.get(0).answers()).as("the answers before the gap").hasSize((200 - 2 - 12 - 17) / 16);
        assertThat(exchanges.get(0).responseLastNs()).isEqualTo(segments.get(2).lastByteNs());
        assertThat(parser.counters()).isEqualTo(ParserCounters.NONE);
    }

    @Test
    void overTcpGarbageResyncsAtTheNextSegmentThatStartsWithAMessage() {
        Wire wire = new Wire();
        List<Segment> segments = List.of(
                wire.client(new byte[] {0, 3, 9, 9, 9}),
                wire.client(tcp(query(8, "after.example", A))),
                wire.server(tcp(response(8, "after.example", A, 0))));
        ProtocolParser parser = parser();

        assertThat(feed(parser, segments)).extracting(Exchange::resource).containsExactly("after.example");
        assertThat(parser.counters().resyncs()).isEqualTo(1);
    }

    @Test
    void aParserWrittenAndRestoredAfterEverySegmentYieldsTheSameExchanges() {
        Wire udpWire = new Wire();
        List<Segment> udp = List.of(
                udpWire.clientDatagram(query(1, "a.example", A)), udpWire.clientDatagram(query(2, "b.example", AAAA)),
                udpWire.serverDatagram(response(2, "b.example", AAAA, 0, aaaa(IPV6))),
                udpWire.serverDatagram(response(7, "stray.example", A, 0)),
                udpWire.serverDatagram(response(1, "a.example", A, 3)));
        byte[] q = tcp(query(3, "c.example", A));
        Wire tcpWire = new Wire();
        tcpWire.client(Arrays.copyOf(q, 2));
        tcpWire.client(Arrays.copyOfRange(q, 2, q.length), 16, 0);
        tcpWire.server(tcp(response(3, "c.example", A, 0, a(3, 3, 3, 3))));
        tcpWire.lose(true, 10);
        tcpWire.client(tcp(query(4, "d.example", A)));
        tcpWire.server(tcp(response(4, "d.example", A, 2)));
        List<Segment> tcp = tcpWire.segments();

        for (List<Segment> segments : List.of(udp, tcp)) {
            ParserRun plain = StateRoundTrip.assertRestoredMatches(FACTORY, segments);

            assertThat(plain.exchanges()).extracting(Exchange::resource).hasSize(2).doesNotContainNull();
        }
    }
}
