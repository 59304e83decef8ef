package io.tapwire.streams.l7.dns;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;

/**
 * Pairs the queries and responses of one DNS socket by query id (and question). Over UDP each segment is one
 * datagram, one whole message (its stream offset is always 0, so it is never put into a {@link DirectionStream});
 * a datagram longer than the capture's head is read as far as it was kept. Over TCP (RFC 1035 4.2.2) messages
 * carry a two-byte length and are framed by {@link DnsTcpFramer}.
 *
 * <p>A segment does not say its transport, so the parser tells from the first one. TCP: a stream offset above 0;
 * fewer than 12 bytes (a length prefix written on its own); a length prefix equal to the rest of the bytes, in front
 * of a plausible header; or one shorter than them, when the bytes do not also read as a message from the first byte.
 * Anything else is UDP. A UDP socket whose segment later shows an offset is switched to TCP.
 */
public final class DnsParser implements ProtocolParser {

    private static final int STATE_VERSION = 1;
    private static final int UNKNOWN = 0;
    private static final int UDP = 1;
    private static final int TCP = 2;

    private int transport;
    private DirectionStream queryStream;
    private DirectionStream responseStream;
    private DnsTcpFramer queryFramer;
    private DnsTcpFramer responseFramer;
    private final PendingQueries pending;
    private long unpairedResponses;
    /** Datagrams that are no DNS message of their direction. */
    private long skippedBytes;

    DnsParser() {
        this(new PendingQueries());
    }

    private DnsParser(PendingQueries pending) {
        this.pending = pending;
    }

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        if (transport == UNKNOWN || (transport == UDP && segment.offset() > 0)) {
            transport = looksLikeTcp(segment) ? TCP : UDP;
            if (transport == TCP) {
                queryStream = new DirectionStream();
                responseStream = new DirectionStream();
                queryFramer = new DnsTcpFramer(true);
                responseFramer = new DnsTcpFramer(false);
            }
        }
        pending.expire(segment.firstByteNs());
        if (transport == UDP) {
            datagram(segment, out);
        } else if (segment.fromClient()) {
            queryStream.append(segment);
            queryFramer.advance(queryStream, segment, framed -> message(framed, true, out));
        } else {
            responseStream.append(segment);
            responseFramer.advance(responseStream, segment, framed -> message(framed, false, out));
        }
    }

    private void datagram(Segment segment, Consumer<Exchange> out) {
        DnsMessage message = segment.visible()
                ? DnsDecoder.decode(segment.head(), 0, segment.head().length) : null;
        message(new FramedMessage(message, segment.count(), segment.firstByteNs(), segment.lastByteNs(),
                segment.tcpSeq()), segment.fromClient(), out);
    }

    /** A query is kept until its response; a response pairs with the oldest query it answers. */
    private void message(FramedMessage framed, boolean fromClient, Consumer<Exchange> out) {
        DnsMessage message = framed.message();
        if (message == null || message.response() == fromClient) {
            skippedBytes += framed.bytes();
            return;
        }
        if (fromClient) {
            pending.add(new PendingQueries.Query(message.id(), DnsCodes.operation(message), message.name(),
                    message.type(), framed.firstNs(), framed.bytes(), framed.seq()));
            return;
        }
        PendingQueries.Query query = pending.take(message);
        if (query == null) {
            unpairedResponses++;
            return;
        }
        String name = query.name() != null ? query.name() : message.name();
        out.accept(new Exchange(query.operation(), name, DnsCodes.status(message.rcode()),
                DnsCodes.isError(message.rcode()), null, query.startNs(), framed.firstNs(), framed.lastNs(),
                query.bytes(), framed.bytes(), query.seq(), framed.seq(), message.answers()));
    }

    private static boolean looksLikeTcp(Segment segment) {
        if (segment.offset() > 0 || segment.count() < DnsDecoder.HEADER || !segment.visible()) {
            return true;
        }
        byte[] head = segment.head();
        if (head.length < 2 + DnsDecoder.HEADER) {
            return false;
        }
        int length = ((head[0] & 0xFF) << 8) | (head[1] & 0xFF);
        boolean response = !segment.fromClient();
        boolean prefixed = DnsDecoder.plausibleHeader(head, 2, head.length - 2, response);
        if (length + 2L == segment.count()) {
            return prefixed;
        }
        return length >= DnsDecoder.HEADER && length + 2L < segment.count() && prefixed
                && !DnsDecoder.plausibleHeader(head, 0, head.length, response);
    }

    @Override
    public ParserCounters counters() {
        long resyncs = transport == TCP ? queryFramer.resyncs() + responseFramer.resyncs() : 0;
        long skipped = skippedBytes
                + (transport == TCP ? queryStream.skippedBytes() + responseStream.skippedBytes() : 0);
        return new ParserCounters(unpairedResponses, resyncs, skipped, pending.expired());
    }

    /** Queries waiting for their response. */
    int pendingQueries() {
        return pending.size();
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(STATE_VERSION);
        out.writeInt(transport);
        if (transport == TCP) {
            queryStream.writeState(out);
            responseStream.writeState(out);
            queryFramer.writeState(out);
            responseFramer.writeState(out);
        }
        pending.writeState(out);
        out.writeLong(unpairedResponses);
        out.writeLong(skippedBytes);
    }

    static DnsParser readState(DataInput in) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("not a DNS parser state (version " + version + ", expected " + STATE_VERSION + ")");
        }
        int transport = in.readInt();
        if (transport < UNKNOWN || transport > TCP) {
            throw new IOException("corrupt DNS parser state: transport " + transport);
        }
        DirectionStream queries = null;
        DirectionStream responses = null;
        DnsTcpFramer queryFramer = null;
        DnsTcpFramer responseFramer = null;
        if (transport == TCP) {
            queries = DirectionStream.readState(in);
            responses = DirectionStream.readState(in);
            queryFramer = DnsTcpFramer.readState(in, true);
            responseFramer = DnsTcpFramer.readState(in, false);
        }
        DnsParser parser = new DnsParser(PendingQueries.readState(in));
        parser.transport = transport;
        parser.queryStream = queries;
        parser.responseStream = responses;
        parser.queryFramer = queryFramer;
        parser.responseFramer = responseFramer;
        parser.unpairedResponses = in.readLong();
        parser.skippedBytes = in.readLong();
        return parser;
    }
}
