package io.tapwire.streams.l7.dns;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;
import io.tapwire.streams.l7.parse.Segment;

/**
 * Builds the segments of one observed socket as the capture would ship them: for TCP stream offsets per direction
 * and TCP sequence numbers from fixed initial ones, for UDP one datagram per segment at offset 0 without sequence
 * numbers; times advance by 100 ns a segment (first byte at the tick, last byte 10 ns later). Feeds them to parsers.
 */
final class Wire {

    static final long CLIENT_ISN = 1_000;
    static final long SERVER_ISN = 7_000_000;

    private long clientOffset;
    private long serverOffset;
    private long clock = 1_000_000;
    private final List<Segment> segments = new ArrayList<>();

    /** A datagram the client sent (or the server received), captured whole. */
    Wire clientDatagram(byte[] data) {
        return clientDatagram(data, Integer.MAX_VALUE, 0);
    }

    Wire serverDatagram(byte[] data) {
        return serverDatagram(data, Integer.MAX_VALUE, 0);
    }

    /** A datagram of which the capture kept the first {@code head} and the last {@code tail} bytes. */
    Wire clientDatagram(byte[] data, int head, int tail) {
        segments.add(datagram(true, data, head, tail));
        return this;
    }

    Wire serverDatagram(byte[] data, int head, int tail) {
        segments.add(datagram(false, data, head, tail));
        return this;
    }

    /** Lets {@code nanos} pass before the next segment. */
    Wire pause(long nanos) {
        clock += nanos;
        return this;
    }

    private Segment datagram(boolean fromClient, byte[] data, int head, int tail) {
        Segment tcp = segment(fromClient, 0, data, head, tail);
        return new Segment(fromClient, 0, tcp.count(), tcp.head(), tcp.tail(), true, tcp.firstByteNs(),
                tcp.lastByteNs(), -1);
    }

    /** A client write (request bytes), captured whole. */
    Wire client(String data) {
        return client(bytes(data), Integer.MAX_VALUE, 0);
    }

    /** A server write (reply bytes), captured whole. */
    Wire server(String data) {
        return server(bytes(data), Integer.MAX_VALUE, 0);
    }

    /** A client write of which the capture kept the first {@code head} and the last {@code tail} bytes. */
    Wire client(byte[] data, int head, int tail) {
        segments.add(segment(true, clientOffset, data, head, tail));
        clientOffset += data.length;
        return this;
    }

    Wire server(byte[] data, int head, int tail) {
        segments.add(segment(false, serverOffset, data, head, tail));
        serverOffset += data.length;
        return this;
    }

    /** Client bytes the capture never shipped (a lost record): the next client segment starts later. */
    Wire clientGap(long count) {
        clientOffset += count;
        return this;
    }

    Wire serverGap(long count) {
        serverOffset += count;
        return this;
    }

    /** A sendfile of the server: counted, no byte seen. */
    Wire serverSendfile(long count) {
        segments.add(new Segment(false, serverOffset, count, new byte[0], new byte[0], false, clock, clock + 10,
                (SERVER_ISN + serverOffset) & 0xFFFF_FFFFL));
        clock += 100;
        serverOffset += count;
        return this;
    }

    List<Segment> segments() {
        return List.copyOf(segments);
    }

    private Segment segment(boolean fromClient, long offset, byte[] data, int head, int tail) {
        int headLength = Math.min(head, data.length);
        int tailLength = Math.min(tail, data.length - headLength);
        long isn = fromClient ? CLIENT_ISN : SERVER_ISN;
        Segment segment = new Segment(fromClient, offset, data.length, Arrays.copyOf(data, headLength),
                Arrays.copyOfRange(data, data.length - tailLength, data.length), true, clock, clock + 10,
                (isn + offset) & 0xFFFF_FFFFL);
        clock += 100;
        return segment;
    }

    static byte[] bytes(String data) {
        return data.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds every segment to one parser; returns the exchanges in the order they completed. */
    static List<Exchange> feed(ProtocolParser parser, List<Segment> segments) {
        List<Exchange> exchanges = new ArrayList<>();
        for (Segment segment : segments) {
            parser.accept(segment, exchanges::add);
        }
        return exchanges;
    }

    /** Like {@link #feed}, but the parser is written and restored from its state after every segment. */
    static List<Exchange> feedRestoringEachTime(ProtocolParserFactory factory, List<Segment> segments) {
        ProtocolParser parser = factory.create();
        List<Exchange> exchanges = new ArrayList<>();
        for (Segment segment : segments) {
            parser.accept(segment, exchanges::add);
            parser = roundTrip(factory, parser);
        }
        return exchanges;
    }

    static ProtocolParser roundTrip(ProtocolParserFactory factory, ProtocolParser parser) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            parser.writeState(new DataOutputStream(bytes));
            ProtocolParser restored = factory.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            restored.writeState(new DataOutputStream(again));
            if (!Arrays.equals(bytes.toByteArray(), again.toByteArray())) {
                throw new AssertionError("the restored state differs from the written one");
            }
            return restored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
