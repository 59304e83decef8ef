package io.tapwire.streams.l7.dns;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Segment;

/**
 * Frames the DNS messages of one direction of a TCP connection: each behind a two-byte length (RFC 1035 4.2.2). A
 * message is handed over once all its bytes arrived, captured or not (at most 64 KiB), read as far as they were
 * captured. Bytes not captured at a message boundary may hold any number of messages: the framer then waits for a
 * segment that starts with a length and a plausible header, and counts a resync there.
 */
final class DnsTcpFramer {

    private final boolean fromClient;
    private boolean lost;
    private long resyncs;

    DnsTcpFramer(boolean fromClient) {
        this.fromClient = fromClient;
    }

    long resyncs() {
        return resyncs;
    }

    /** Frames what {@code segment}, just appended to {@code stream}, completed. */
    void advance(DirectionStream stream, Segment segment, Consumer<FramedMessage> out) {
        boolean framing = !lost || resync(stream, segment);
        boolean resyncTried = lost;
        while (framing && !frame(stream, out)) {
            // Lost here: this very segment may start the next message (the bytes lost were before it).
            lost = true;
            framing = !resyncTried && resync(stream, segment);
            resyncTried = true;
        }
        if (lost) {
            stream.skipAll();
        }
    }

    private boolean resync(DirectionStream stream, Segment segment) {
        stream.skipUncaptured();
        if (stream.position() == segment.offset() && looksLikeMessageStart(stream)) {
            lost = false;
            resyncs++;
            return true;
        }
        return false;
    }

    /** Frames messages until the bytes run out (true) or the framing is lost (false). */
    private boolean frame(DirectionStream stream, Consumer<FramedMessage> out) {
        while (stream.position() < stream.end()) {
            if (stream.atUncaptured()) {
                return false;
            }
            int known = stream.knownAhead();
            if (known < 2) {
                return stream.position() + known >= stream.end();
            }
            int length = (stream.byteAt(0) << 8) | stream.byteAt(1);
            if (length < DnsDecoder.HEADER) {
                return false;
            }
            long total = 2L + length;
            if (stream.end() - stream.position() < total) {
                return true;
            }
            int readable = (int) Math.min(known, total) - 2;
            DnsMessage message = DnsDecoder.decode(stream.bytes(2, readable), 0, readable);
            FramedMessage framed = new FramedMessage(message, total, stream.timeAt(0), stream.timeAt(total - 1),
                    stream.seqAt(0));
            stream.consume(total);
            out.accept(framed);
        }
        return true;
    }

    private boolean looksLikeMessageStart(DirectionStream stream) {
        int known = stream.knownAhead();
        if (known < 2 + DnsDecoder.HEADER) {
            return false;
        }
        int length = (stream.byteAt(0) << 8) | stream.byteAt(1);
        return length >= DnsDecoder.HEADER && DnsDecoder.plausibleHeader(stream.bytes(2, DnsDecoder.HEADER), 0,
                DnsDecoder.HEADER, !fromClient);
    }

    void writeState(DataOutput out) throws IOException {
        out.writeBoolean(lost);
        out.writeLong(resyncs);
    }

    static DnsTcpFramer readState(DataInput in, boolean fromClient) throws IOException {
        DnsTcpFramer framer = new DnsTcpFramer(fromClient);
        framer.lost = in.readBoolean();
        framer.resyncs = in.readLong();
        return framer;
    }
}
