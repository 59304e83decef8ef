package io.tapwire.streams.l7.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Feeds parsers odd input — random bytes, real messages garbled, cut, lost or split anywhere — from a seeded
 * {@link Random}, so that a failure repeats. Whatever the bytes, a parser must not throw, its counters must not go
 * negative, no exchange may have a negative size or end before it starts, and (when asked) its state must round trip
 * ({@link StateRoundTrip}).
 */
public final class ParserFuzz {

    /** A direction's write of a conversation, in the order the conversation goes. */
    public record Write(boolean fromClient, byte[] bytes) {
    }

    /**
     * A text protocol's messages, glued together and garbled: one to {@code maxParts} of them, with a few bytes
     * replaced by any byte or by one of {@code characters} (those the protocol's framing reads), or cut short.
     */
    public record TextSamples(List<String> samples, int maxParts, String characters) {

        public byte[] mutated(Random random) {
            if (random.nextInt(4) == 0) {
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                return noise;
            }
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(maxParts);
            for (int i = 0; i < parts; i++) {
                text.append(samples.get(random.nextInt(samples.size())));
            }
            byte[] data = Wire.bytes(text.toString());
            int mutations = random.nextInt(4);
            for (int i = 0; i < mutations && data.length > 0; i++) {
                int at = random.nextInt(data.length);
                switch (random.nextInt(3)) {
                    case 0 -> data[at] = (byte) random.nextInt(256);
                    case 1 -> data = Arrays.copyOf(data, at);
                    default -> data[at] = (byte) characters.charAt(random.nextInt(characters.length()));
                }
            }
            return data;
        }
    }

    private ParserFuzz() {
    }

    /**
     * Feeds {@code segments} to a fresh parser of {@code factory} and checks what every parser must keep whatever it
     * is fed; with {@code roundTrip}, also that its state round trips. Returns the run for the caller's own checks.
     */
    public static ParserRun feed(ProtocolParserFactory factory, List<Segment> segments, boolean roundTrip) {
        ParserRun run = new ParserRun(factory.create());
        for (Segment segment : segments) {
            try {
                run.feed(segment);
            } catch (RuntimeException e) {
                throw new AssertionError("the parser threw at segment " + run.fed().size() + " of:"
                        + describe(segments), e);
            }
        }
        ParserCounters counters = run.counters();
        assertThat(counters.unpairedResponses()).isNotNegative();
        assertThat(counters.resyncs()).isNotNegative();
        assertThat(counters.skippedBytes()).isNotNegative();
        assertThat(counters.droppedRequests()).isNotNegative();
        for (Exchange e : run.exchanges()) {
            assertThat(e.requestBytes()).as(() -> e + " of:" + describe(segments)).isNotNegative();
            assertThat(e.responseBytes()).as(() -> e + " of:" + describe(segments)).isNotNegative();
            assertThat(e.responseLastNs()).as(() -> e + " of:" + describe(segments))
                    .isGreaterThanOrEqualTo(e.responseFirstNs());
        }
        if (roundTrip) {
            StateRoundTrip.assertRestoredMatches(factory, run);
        }
        return run;
    }

    /** The segments, one a line: direction, offset, count, and what was captured of the head. */
    public static String describe(List<Segment> segments) {
        StringBuilder text = new StringBuilder();
        for (Segment s : segments) {
            text.append("\n  ").append(s.fromClient() ? "client " : "server ").append(s.offset()).append('+')
                    .append(s.count()).append(s.visible() ? " " : " invisible ")
                    .append(new String(s.head(), StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n"));
        }
        return text.toString();
    }

    /**
     * One to twelve writes of {@code samples}, mutated, in random directions; a tenth come after bytes of their
     * direction were lost, and with {@code sendfiles} a fifteenth of the server's are sendfiles.
     */
    public static List<Segment> mutatedWrites(Random random, Wire wire, TextSamples samples, boolean sendfiles) {
        List<Segment> segments = new ArrayList<>();
        int count = 1 + random.nextInt(12);
        for (int i = 0; i < count; i++) {
            byte[] data = samples.mutated(random);
            boolean fromClient = random.nextBoolean();
            if (random.nextInt(10) == 0) {
                wire.lose(fromClient, random.nextInt(500));
            }
            boolean sendfile = sendfiles && random.nextInt(15) == 0 && !fromClient;
            segments.add(sendfile ? wire.serverSendfile(data.length)
                    : fromClient ? wire.client(data) : wire.server(data));
        }
        return segments;
    }

    /**
     * A conversation's requests and responses, each direction cut into segments of random sizes, interleaved at random
     * but with the client kept ahead: it sends once the server sent {@code serverBytesPerClientByte} times as much.
     */
    public static List<Segment> splitAnywhere(Random random, Wire wire, String requests, String responses,
                                              int serverBytesPerClientByte) {
        List<Segment> segments = new ArrayList<>();
        int client = 0;
        int server = 0;
        while (client < requests.length() || server < responses.length()) {
            boolean fromClient = server >= responses.length() || (client < requests.length()
                    && (client <= server / serverBytesPerClientByte || random.nextBoolean()));
            if (fromClient) {
                int n = Math.min(requests.length() - client, 1 + random.nextInt(60));
                segments.add(wire.client(requests.substring(client, client + n)));
                client += n;
            } else {
                int n = Math.min(responses.length() - server, 1 + random.nextInt(200));
                segments.add(wire.server(responses.substring(server, server + n)));
                server += n;
            }
        }
        return segments;
    }

    /**
     * One to twelve writes of random bytes in random directions, of which {@code plausible} may make the first bytes
     * look like a message start, so that the framing goes deeper; an eighth jump ahead or back in their stream.
     */
    public static List<Segment> randomWrites(Random random, BiConsumer<Random, byte[]> plausible) {
        List<Segment> segments = new ArrayList<>();
        long[] offsets = new long[2];
        for (int i = random.nextInt(12); i >= 0; i--) {
            boolean fromClient = random.nextBoolean();
            byte[] bytes = new byte[random.nextInt(random.nextBoolean() ? 16 : 2000)];
            random.nextBytes(bytes);
            plausible.accept(random, bytes);
            int side = fromClient ? 0 : 1;
            offsets[side] += random.nextInt(8) == 0 ? random.nextInt(5000) - 1000 : 0;
            offsets[side] = Math.max(0, offsets[side]);
            segments.add(randomlyCaptured(random, fromClient, offsets[side], bytes));
            offsets[side] += bytes.length;
        }
        return segments;
    }

    /**
     * The writes of a conversation at their stream offsets, each left alone, lost, cut short or with one byte garbled
     * (a sixth each, about), and captured as {@link #randomlyCaptured} does.
     */
    public static List<Segment> mutatedConversation(Random random, List<Write> writes) {
        List<Segment> segments = new ArrayList<>();
        long[] offsets = new long[2];
        for (Write write : writes) {
            byte[] bytes = write.bytes().clone();
            int side = write.fromClient() ? 0 : 1;
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
            segments.add(randomlyCaptured(random, write.fromClient(), offset, bytes));
        }
        return segments;
    }

    /**
     * A segment of {@code bytes}, of which the capture may have kept only a head and a tail, or none (sendfile); its
     * times follow its offset, its sequence number is known or not.
     */
    private static Segment randomlyCaptured(Random random, boolean fromClient, long offset, byte[] bytes) {
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
}
