package io.tapwire.streams.l7.redis;

import static io.tapwire.streams.l7.redis.RedisParserTest.bulk;
import static io.tapwire.streams.l7.redis.RedisParserTest.command;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserFuzz;
import io.tapwire.streams.l7.parse.ParserRun;
import io.tapwire.streams.l7.parse.Segment;
import org.junit.jupiter.api.Test;

/** Odd input never makes the parser throw, grow without bound, or differ after a state round trip. */
class RedisFuzzTest {

    private static final RedisParserFactory FACTORY = new RedisParserFactory();

    private static final String[] REQUESTS = {
            command("SET", "k", "v"), command("GET", "k"), command("HGETALL", "h"), command("SUBSCRIBE", "c"),
            command("MONITOR"), "PING\r\n", command("EVAL", "return 1", "1", "k"), "*0\r\n", "*-1\r\n"};
    private static final String[] REPLIES = {
            "+OK\r\n", "-ERR no\r\n", ":42\r\n", bulk("value"), "$-1\r\n", "*-1\r\n", "*2\r\n" + bulk("a") + ":1\r\n",
            "%1\r\n+a\r\n~1\r\n#f\r\n", "_\r\n", ",1.5\r\n", "(12345678901234567890\r\n", "!3\r\nERR\r\n",
            "=7\r\ntxt:abc\r\n", "|1\r\n+a\r\n+b\r\n:1\r\n", ">2\r\n" + bulk("message") + bulk("x"),
            "*3\r\n" + bulk("subscribe") + bulk("c") + ":1\r\n", "*3\r\n" + bulk("message") + bulk("c") + bulk("m")};

    @Test
    void randomAndMutatedBytesNeverThrowAndRoundTripExactly() {
        Random random = new Random(20_261_127L);
        long paired = 0;
        long resyncs = 0;
        for (int round = 0; round < 3000; round++) {
            List<Segment> segments = round % 3 == 0 ? randomBytes(random) : mutatedConversation(random);

            ParserRun run = ParserFuzz.feed(FACTORY, segments, round % 5 == 0);

            assertThat(((RedisParser) run.parser()).pendingRequests()).isLessThanOrEqualTo(RedisParser.MAX_PENDING);
            for (Exchange exchange : run.exchanges()) {
                assertThat(exchange.requestBytes()).as(() -> exchange + ParserFuzz.describe(segments)).isPositive();
                assertThat(exchange.responseBytes()).as(() -> exchange + ParserFuzz.describe(segments)).isPositive();
            }
            paired += run.exchanges().size();
            resyncs += run.counters().resyncs();
        }
        assertThat(paired).as("the mutated conversations still pair exchanges").isGreaterThan(500);
        assertThat(resyncs).as("and lose and find the framing again").isGreaterThan(100);
    }

    private static List<Segment> randomBytes(Random random) {
        List<Segment> segments = new ArrayList<>();
        long[] offsets = new long[2];
        int count = 1 + random.nextInt(12);
        for (int i = 0; i < count; i++) {
            int direction = random.nextInt(2);
            byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(data);
            if (random.nextInt(4) == 0 && data.length > 0) {
                data[0] = (byte) "*$+-:%>|~_!="
                        .charAt(random.nextInt(12));
            }
            segments.add(segment(random, direction == 0, offsets[direction], data));
            offsets[direction] += jump(random, data.length);
        }
        return segments;
    }

    private static List<Segment> mutatedConversation(Random random) {
        StringBuilder client = new StringBuilder();
        StringBuilder server = new StringBuilder();
        int exchanges = 1 + random.nextInt(8);
        for (int i = 0; i < exchanges; i++) {
            client.append(REQUESTS[random.nextInt(REQUESTS.length)]);
            server.append(REPLIES[random.nextInt(REPLIES.length)]);
        }
        byte[] requests = mutate(random, client.toString().getBytes(StandardCharsets.ISO_8859_1));
        byte[] replies = mutate(random, server.toString().getBytes(StandardCharsets.ISO_8859_1));
        List<Segment> segments = new ArrayList<>();
        int[] at = new int[2];
        long[] offsets = new long[2];
        byte[][] streams = {requests, replies};
        while (at[0] < requests.length || at[1] < replies.length) {
            int direction = at[0] >= requests.length ? 1 : at[1] >= replies.length ? 0 : random.nextInt(2);
            byte[] all = streams[direction];
            int length = Math.min(all.length - at[direction], 1 + random.nextInt(60));
            byte[] data = Arrays.copyOfRange(all, at[direction], at[direction] + length);
            segments.add(segment(random, direction == 0, offsets[direction], data));
            at[direction] += length;
            offsets[direction] += jump(random, length);
        }
        return segments;
    }

    private static byte[] mutate(Random random, byte[] data) {
        int mutations = random.nextInt(4);
        for (int i = 0; i < mutations && data.length > 0; i++) {
            int at = random.nextInt(data.length);
            switch (random.nextInt(4)) {
                case 0 -> data[at] = (byte) random.nextInt(256);
                case 1 -> data[at] = (byte) ('0' + random.nextInt(10));
                case 2 -> data[at] = '\r';
                default -> {
                    byte[] huge = "$99999999999\r\n".getBytes(StandardCharsets.ISO_8859_1);
                    System.arraycopy(huge, 0, data, at, Math.min(huge.length, data.length - at));
                }
            }
        }
        return data;
    }

    /** How far the next segment of a direction starts: usually right after, sometimes after a gap or overlapping. */
    private static long jump(Random random, int length) {
        return switch (random.nextInt(10)) {
            case 0 -> length + random.nextInt(100);
            case 1 -> Math.max(0, length - random.nextInt(10));
            default -> length;
        };
    }

    /** The capture of {@code data}: whole, or with only a head and a tail, or not visible at all. */
    private static Segment segment(Random random, boolean fromClient, long offset, byte[] data) {
        int head = data.length;
        int tail = 0;
        boolean visible = true;
        switch (random.nextInt(8)) {
            case 0 -> {
                head = random.nextInt(data.length + 1);
                tail = random.nextInt(data.length - head + 1);
            }
            case 1 -> {
                visible = false;
                head = 0;
            }
            default -> {
            }
        }
        long time = 1_000L + offset * 10 + (fromClient ? 0 : 5);
        return new Segment(fromClient, offset, data.length, Arrays.copyOf(data, head),
                Arrays.copyOfRange(data, data.length - tail, data.length), visible, time, time + 3, offset);
    }
}
