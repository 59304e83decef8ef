package io.tapwire.streams.l7.postgres;

import static io.tapwire.streams.l7.postgres.PgWire.commandComplete;
import static io.tapwire.streams.l7.postgres.PgWire.concat;
import static io.tapwire.streams.l7.postgres.PgWire.dataRow;
import static io.tapwire.streams.l7.postgres.PgWire.error;
import static io.tapwire.streams.l7.postgres.PgWire.extended;
import static io.tapwire.streams.l7.postgres.PgWire.extendedResult;
import static io.tapwire.streams.l7.postgres.PgWire.query;
import static io.tapwire.streams.l7.postgres.PgWire.ready;
import static io.tapwire.streams.l7.postgres.PgWire.rowDescription;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;
import org.junit.jupiter.api.Test;

/** Random and mutated bytes never make the parser throw, loop or grow: it resynchronises and counts. */
class PostgresFuzzTest {

    private static final PostgresParserFactory FACTORY = new PostgresParserFactory();
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
                if (random.nextInt(4) == 0 && bytes.length > 0) {
                    // A plausible type byte makes the framer go deeper.
                    bytes[0] = (byte) "QPBESDZTCRK1".charAt(random.nextInt(12));
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
        byte[][] setUp = PgWire.setUp();
        int exchanges = 0;
        int resynchronised = 0;
        for (int c = 0; c < CASES; c++) {
            List<byte[]> client = new ArrayList<>(List.of(setUp[0], setUp[2], setUp[4]));
            List<byte[]> server = new ArrayList<>(List.of(setUp[1], setUp[3], setUp[5]));
            for (int i = 0; i < 4; i++) {
                client.add(random.nextBoolean() ? query("SELECT " + i) : extended("SELECT " + i));
                server.add(random.nextBoolean() ? concat(rowDescription(), dataRow("v".repeat(random.nextInt(3000))),
                        commandComplete("SELECT 1"), ready()) : random.nextBoolean() ? extendedResult("x")
                        : concat(error("22012", "division by zero"), ready()));
            }
            List<Segment> segments = new ArrayList<>();
            long[] offsets = new long[2];
            for (int i = 0; i < client.size(); i++) {
                for (boolean fromClient : new boolean[] {true, false}) {
                    byte[] bytes = (fromClient ? client : server).get(i).clone();
                    int side = fromClient ? 0 : 1;
                    long offset = offsets[side];
                    offsets[side] += bytes.length;
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
        ParserCounters counters = parser.counters();
        assertThat(counters.unpairedResponses()).isNotNegative();
        assertThat(counters.resyncs()).isNotNegative();
        assertThat(counters.skippedBytes()).isNotNegative();
        assertThat(exchanges).allSatisfy(e -> {
            assertThat(e.requestBytes()).isNotNegative();
            assertThat(e.responseBytes()).isNotNegative();
        });
        if (roundTrip) {
            assertThat(StateRoundTrip.parseRestoringAfterEachSegment(FACTORY, segments))
                    .isEqualTo(new StateRoundTrip.Result(exchanges, counters));
        }
        return new StateRoundTrip.Result(exchanges, counters);
    }
}
