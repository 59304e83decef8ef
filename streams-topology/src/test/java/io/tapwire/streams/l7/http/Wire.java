package io.tapwire.streams.l7.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.tapwire.streams.l7.parse.Segment;

/**
 * Builds the segments of one observed connection by hand, as the capture would ship them: each direction's stream
 * offsets and TCP sequence numbers advance with the bytes, times advance by 100 ns per segment (first byte at the
 * segment's time, last byte 10 ns later), and a segment longer than {@link #headBytes} + {@link #tailBytes} has its
 * middle not captured.
 */
final class Wire {

    static final long CLIENT_SEQ = 1_000;
    static final long SERVER_SEQ = 900_000;

    int headBytes = 1024;
    int tailBytes = 64;
    private long clientOffset;
    private long serverOffset;
    private long ns = 1_000;

    Segment client(String text) {
        return segment(true, bytes(text), true);
    }

    Segment server(String text) {
        return segment(false, bytes(text), true);
    }

    Segment client(byte[] data) {
        return segment(true, data, true);
    }

    Segment server(byte[] data) {
        return segment(false, data, true);
    }

    /** A sendfile of {@code count} bytes: counted, none seen. */
    Segment serverSendfile(int count) {
        return segment(false, new byte[count], false);
    }

    /** Bytes of one direction that went by without a record (a record lost): the next segment's offset jumps. */
    void lose(boolean fromClient, long count) {
        ns += 100;
        if (fromClient) {
            clientOffset += count;
        } else {
            serverOffset += count;
        }
    }

    long clientOffset() {
        return clientOffset;
    }

    long serverOffset() {
        return serverOffset;
    }

    /** The time the next segment's first byte will have. */
    long nextNs() {
        return ns + 100;
    }

    private Segment segment(boolean fromClient, byte[] data, boolean visible) {
        ns += 100;
        long offset = fromClient ? clientOffset : serverOffset;
        byte[] head = data;
        byte[] tail = new byte[0];
        if (!visible) {
            head = new byte[0];
        } else if (data.length > headBytes) {
            head = Arrays.copyOfRange(data, 0, headBytes);
            int tailLength = Math.min(tailBytes, data.length - headBytes);
            tail = Arrays.copyOfRange(data, data.length - tailLength, data.length);
        }
        long seq = ((fromClient ? CLIENT_SEQ : SERVER_SEQ) + offset) & 0xFFFF_FFFFL;
        if (fromClient) {
            clientOffset += data.length;
        } else {
            serverOffset += data.length;
        }
        return new Segment(fromClient, offset, data.length, head, tail, visible, ns, ns + 10, seq);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
