package io.tapwire.streams.l7.dns;

import static io.tapwire.streams.l7.dns.DnsMessages.A;
import static io.tapwire.streams.l7.dns.DnsMessages.a;
import static io.tapwire.streams.l7.dns.DnsMessages.query;
import static io.tapwire.streams.l7.dns.DnsMessages.response;
import static io.tapwire.streams.l7.dns.DnsMessages.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserFuzz;
import io.tapwire.streams.l7.parse.ParserRun;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.Wire;
import org.junit.jupiter.api.Test;

/** Odd datagrams and streams never make the parser throw, grow without bound, or differ after a state round trip. */
class DnsFuzzTest {

    private static final DnsParserFactory FACTORY = new DnsParserFactory();

    @Test
    void randomAndMutatedMessagesNeverThrowAndRoundTripExactly() {
        Random random = new Random(53L);
        long paired = 0;
        for (int round = 0; round < 3000; round++) {
            boolean overTcp = random.nextBoolean();
            List<Segment> segments = overTcp ? tcpStream(random) : datagrams(random);

            ParserRun run = ParserFuzz.feed(FACTORY, segments, round % 5 == 0);

            assertThat(((DnsParser) run.parser()).pendingQueries()).isLessThanOrEqualTo(PendingQueries.MAX_PENDING);
            for (Exchange exchange : run.exchanges()) {
                assertThat(exchange.requestBytes()).isPositive();
                assertThat(exchange.responseBytes()).isPositive();
                assertThat(exchange.answers().size()).isLessThanOrEqualTo(64);
            }
            paired += run.exchanges().size();
        }
        assertThat(paired).as("mutated messages still pair now and then").isGreaterThan(500);
    }

    private static byte[] message(Random random, boolean query) {
        int id = random.nextInt(4);
        String name = "n" + random.nextInt(3) + ".example";
        byte[] bytes = query ? query(id, name, A) : response(id, name, A, random.nextInt(6), a(10, 0, 0, 1));
        if (random.nextInt(3) == 0) {
            bytes = random.nextBoolean() ? Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)) : bytes;
            for (int i = random.nextInt(4); i > 0 && bytes.length > 0; i--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
        }
        if (random.nextInt(10) == 0) {
            bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
        }
        return bytes;
    }

    private static List<Segment> datagrams(Random random) {
        Wire wire = new Wire();
        for (int i = random.nextInt(12); i >= 0; i--) {
            boolean query = random.nextBoolean();
            byte[] message = message(random, query);
            int head = random.nextInt(4) == 0 ? random.nextInt(message.length + 1) : Integer.MAX_VALUE;
            if (query) {
                wire.clientDatagram(message, head, 8);
            } else {
                wire.serverDatagram(message, head, 8);
            }
        }
        return wire.segments();
    }

    private static List<Segment> tcpStream(Random random) {
        Wire wire = new Wire();
        wire.client(tcp(query(0, "first.example", A)));
        for (int i = random.nextInt(10); i >= 0; i--) {
            boolean query = random.nextBoolean();
            byte[] framed = random.nextInt(8) == 0 ? message(random, query) : tcp(message(random, query));
            List<byte[]> parts = new ArrayList<>();
            int cut = framed.length > 1 && random.nextBoolean() ? 1 + random.nextInt(framed.length - 1) : framed.length;
            parts.add(Arrays.copyOf(framed, cut));
            if (cut < framed.length) {
                parts.add(Arrays.copyOfRange(framed, cut, framed.length));
            }
            for (byte[] part : parts) {
                int head = random.nextInt(5) == 0 ? random.nextInt(part.length + 1) : Integer.MAX_VALUE;
                int tail = random.nextInt(8);
                if (query) {
                    wire.client(part, head, tail);
                } else {
                    wire.server(part, head, tail);
                }
                if (random.nextInt(12) == 0) {
                    wire.lose(query, random.nextInt(40));
                }
            }
        }
        return wire.segments();
    }
}
