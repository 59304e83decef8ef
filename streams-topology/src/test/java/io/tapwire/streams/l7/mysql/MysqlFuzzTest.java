package io.tapwire.streams.l7.mysql;

import static io.tapwire.streams.l7.mysql.MyWire.BASE_CAPABILITIES;
import static io.tapwire.streams.l7.mysql.MyWire.err;
import static io.tapwire.streams.l7.mysql.MyWire.execute;
import static io.tapwire.streams.l7.mysql.MyWire.ok;
import static io.tapwire.streams.l7.mysql.MyWire.prepare;
import static io.tapwire.streams.l7.mysql.MyWire.prepareOk;
import static io.tapwire.streams.l7.mysql.MyWire.query;
import static io.tapwire.streams.l7.mysql.MyWire.resultSet;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;
import org.junit.jupiter.api.Test;

/** Random and mutated bytes never make the parser throw, loop or grow: it resynchronises and counts. */
class MysqlFuzzTest {

    private static final MysqlParserFactory FACTORY = new MysqlParserFactory();
    private static final int CASES = 3000;

    @Test
    void randomSegmentsNeverThrow() {
        Random random = new Random(20261127);
        for (int c = 0; c < CASES; c++) {
            List<Segment> segments = new ArrayList<>();
            long[] offsets = new long[2];
            for (int i = random.nextInt(12); i >= 0; i--) {
                boolean fromClient = random.nextBoolean();
                byte[] bytes = new byte[random.nextInt(random.nextBoolean() ? 16 : 2000)];
                random.nextBytes(bytes);
                if (random.nextInt(3) == 0 && bytes.length > 5) {
                    // A small packet header makes the framer go deeper.
                    bytes[0] = (byte) random.nextInt(64);
                    bytes[1] = 0;
                    bytes[2] = 0;
                    bytes[3] = (byte) random.nextInt(3);
                    bytes[4] = (byte) new int[] {0x00, 0x03, 0x16, 0x17, 0xFE, 0xFF}[random.nextInt(6)];
                }
                int side = fromClient ? 0 : 1;
                offsets[side] += random.nextInt(8) == 0 ? random.nextInt(5000) - 1000 : 0;
                offsets[side] = Math.max(0, offsets[side]);
                segments.add(segment(random, fromClient, offsets[side], bytes));
                offsets[side] += bytes.length;
            }
            parseSafely(segments, c % 10 == 0);
        }
    }

    @Test
    void mutatedConversationsNeverThrow() {
        Random random = new Random(4711);
        int exchanges = 0;
        int resynchronised = 0;
        for (int c = 0; c < CASES; c++) {
            boolean deprecateEof = random.nextBoolean();
            long capabilities = BASE_CAPABILITIES | (deprecateEof ? MyWire.CLIENT_DEPRECATE_EOF : 0);
            List<byte[]> client = new ArrayList<>(List.of(MyWire.handshakeResponse(capabilities)));
            List<byte[]> server = new ArrayList<>(List.of(MyWire.greeting(capabilities), ok(2)));
            for (int i = 0; i < 4; i++) {
                switch (random.nextInt(3)) {
                    case 0 -> {
                        client.add(query("SELECT " + i));
                        server.add(resultSet(1, deprecateEof, 0, "v".repeat(random.nextInt(3000)), "w"));
                    }
                    case 1 -> {
                        client.add(prepare("SELECT ?, " + i));
                        server.add(prepareOk(i, 2, 1, deprecateEof));
                    }
                    default -> {
                        client.add(execute(i));
                        server.add(random.nextBoolean() ? ok(1) : err(1, 1243, "HY000", "Unknown handler"));
                    }
                }
            }
            List<Segment> segments = new ArrayList<>();
            long[] offsets = new long[2];
            // The server speaks first: its i-th write, then the client's i-th, answered by the server's next.
            for (int i = 0; i < server.size(); i++) {
                for (boolean fromClient : new boolean[] {false, true}) {
                    List<byte[]> side = fromClient ? client : server;
                    if (i >= side.size()) {
                        continue;
                    }
                    byte[] bytes = side.get(i).clone();
                    int s = fromClient ? 0 : 1;
                    long offset = offsets[s];
                    offsets[s] += bytes.length;
                    switch (random.nextInt(6)) {
                        case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                        case 1 -> {
                            continue;
                        }
                        case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                        default -> {
                        }
                    }
                    segments.add(segment(random, fromClient, offset, bytes));
                }
            }
            StateRoundTrip.Result result = parseSafely(segments, c % 10 == 0);
            exchanges += result.exchanges().size();
            resynchronised += result.counters().resyncs() > 0 ? 1 : 0;
        }
        assertThat(exchanges).as("the mutations leave much to parse").isGreaterThan(CASES);
        assertThat(resynchronised).as("cases that lost and found the boundaries").isGreaterThan(CASES / 10);
    }

    /** A segment of {@code bytes}, of which the capture may have kept only a head and a tail, or none (sendfile). */
    private static Segment segment(Random random, boolean fromClient, long offset, byte[] bytes) {
        int head = bytes.length;
        int tail = 0;
        boolean visible = random.nextInt(20) != 0;
        if (random.nextInt(5) == 0) {
            head = random.nextInt(bytes.length + 1);
            tail = random.nextInt(bytes.length - head + 1);
        }
        return new Segment(fromClient, offset, bytes.length, Arrays.copyOf(bytes, head),
                Arrays.copyOfRange(bytes, bytes.length - tail, bytes.length), visible, offset, offset + 5,
                random.nextBoolean() ? offset : -1);
    }

    private static StateRoundTrip.Result parseSafely(List<Segment> segments, boolean roundTrip) {
        ProtocolParser parser = FACTORY.create();
        List<Exchange> exchanges = new ArrayList<>();
        for (Segment segment : segments) {
            parser.accept(segment, exchanges::add);
        }
        assertThat(parser.counters().unpairedResponses()).isNotNegative();
        assertThat(parser.counters().resyncs()).isNotNegative();
        assertThat(parser.counters().skippedBytes()).isNotNegative();
        assertThat(exchanges).allSatisfy(e -> {
            assertThat(e.requestBytes()).isNotNegative();
            assertThat(e.responseBytes()).isNotNegative();
        });
        if (roundTrip) {
            assertThat(StateRoundTrip.parseRestoringAfterEachSegment(FACTORY, segments))
                    .isEqualTo(new StateRoundTrip.Result(exchanges, parser.counters()));
        }
        return new StateRoundTrip.Result(exchanges, parser.counters());
    }
}
