package io.tapwire.streams.l7.parse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the segments of one observed socket by hand, as the capture would ship them. Over TCP each direction's
 * stream offsets and sequence numbers (from {@link #CLIENT_SEQ} and {@link #SERVER_SEQ}) advance with its bytes; a UDP
 * datagram is one whole message at offset 0 without a sequence number. Times advance by 100 ns a segment: its first
 * byte at the tick, its last 10 ns later. Each segment is returned, and kept in {@link #segments()}, in order.
 *
 * <p>What the capture keeps of a write: every byte ({@code new Wire()}), the first and last bytes of a longer one as
 * the collector does ({@link #capturing}), or what a test says per segment.
 */
public final class Wire {

    public static final long CLIENT_SEQ = 1_000;
    public static final long SERVER_SEQ = 900_000;

    private static final long TICK_NS = 100;

    private final int headBytes;
    private final int tailBytes;
    private final List<Segment> segments = new ArrayList<>();
    private long clientOffset;
    private long serverOffset;
    private long ns = 1_000;

    /** A wire whose capture keeps every byte. */
    public Wire() {
        this(Integer.MAX_VALUE, 0);
    }

    private Wire(int headBytes, int tailBytes) {
        this.headBytes = headBytes;
        this.tailBytes = tailBytes;
    }

    /** A wire whose capture keeps the first {@code headBytes} and the last {@code tailBytes} of each write. */
    public static Wire capturing(int headBytes, int tailBytes) {
        return new Wire(headBytes, tailBytes);
    }

    /** A client write (request bytes). */
    public Segment client(String text) {
        return client(bytes(text));
    }

    /** A server write (response bytes). */
    public Segment server(String text) {
        return server(bytes(text));
    }

    /** A client write of these messages, one after the other. */
    public Segment client(byte[]... messages) {
        return client(concat(messages), headBytes, tailBytes);
    }

    public Segment server(byte[]... messages) {
        return server(concat(messages), headBytes, tailBytes);
    }

    /** A client write of which the capture kept the first {@code head} and the last {@code tail} bytes. */
    public Segment client(byte[] data, int head, int tail) {
        Segment segment = tcp(true, clientOffset, data, head, tail);
        clientOffset += data.length;
        return segment;
    }

    public Segment server(byte[] data, int head, int tail) {
        Segment segment = tcp(false, serverOffset, data, head, tail);
        serverOffset += data.length;
        return segment;
    }

    /** A sendfile of the server: counted, no byte seen. */
    public Segment serverSendfile(long count) {
        long first = tick();
        Segment segment = add(new Segment(false, serverOffset, count, new byte[0], new byte[0], false, first,
                first + 10, seq(false, serverOffset)));
        serverOffset += count;
        return segment;
    }

    /** A datagram the client sent (or the server received). */
    public Segment clientDatagram(byte[] data) {
        return clientDatagram(data, headBytes, tailBytes);
    }

    public Segment serverDatagram(byte[] data) {
        return serverDatagram(data, headBytes, tailBytes);
    }

    /** A datagram of which the capture kept the first {@code head} and the last {@code tail} bytes. */
    public Segment clientDatagram(byte[] data, int head, int tail) {
        return captured(true, 0, data, head, tail, -1);
    }

    public Segment serverDatagram(byte[] data, int head, int tail) {
        return captured(false, 0, data, head, tail, -1);
    }

    /** Bytes of one direction that went by without a record (a lost one): its offset jumps past them, a tick passes. */
    public void lose(boolean fromClient, long count) {
        ns += TICK_NS;
        if (fromClient) {
            clientOffset += count;
        } else {
            serverOffset += count;
        }
    }

    /** Lets {@code nanos} pass before the next segment. */
    public void pause(long nanos) {
        ns += nanos;
    }

    /** Every segment built so far, in order. */
    public List<Segment> segments() {
        return List.copyOf(segments);
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private Segment tcp(boolean fromClient, long offset, byte[] data, int head, int tail) {
        return captured(fromClient, offset, data, head, tail, seq(fromClient, offset));
    }

    private Segment captured(boolean fromClient, long offset, byte[] data, int head, int tail, long seq) {
        int headLength = Math.min(head, data.length);
        int tailLength = Math.min(tail, data.length - headLength);
        long first = tick();
        return add(new Segment(fromClient, offset, data.length, Arrays.copyOf(data, headLength),
                Arrays.copyOfRange(data, data.length - tailLength, data.length), true, first, first + 10, seq));
    }

    private static long seq(boolean fromClient, long offset) {
        return ((fromClient ? CLIENT_SEQ : SERVER_SEQ) + offset) & 0xFFFF_FFFFL;
    }

    private long tick() {
        ns += TICK_NS;
        return ns;
    }

    private Segment add(Segment segment) {
        segments.add(segment);
        return segment;
    }
}
