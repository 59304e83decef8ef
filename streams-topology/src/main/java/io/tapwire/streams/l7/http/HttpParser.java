package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.PendingQueue;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;

/**
 * HTTP/1.0 and HTTP/1.1 on one observed socket (RFC 9112): requests are framed by {@link RequestReader} and wait in
 * a {@link PendingQueue}; {@link ResponseReader} frames the responses and pairs each final one with the oldest
 * waiting request (pipelined requests are answered in order, RFC 9112 §9.3.2). Each exchange reports the method, the
 * target without its query values ({@link RequestTarget}), the status code ("404"; an error from 500 on, with the
 * reason phrase as detail from 400 on) and exact sizes from the framing, also for bodies the capture did not see.
 *
 * <p>A response delimited by the connection's close (no Content-Length, not chunked) is reported when the client sends
 * its next bytes, with the bytes and last-byte time seen until then; the capture shows no close, so a connection that
 * ends that way keeps its last exchange unreported. After 101 Switching Protocols (or a tunnel opened by CONNECT) the
 * connection is no longer HTTP/1.x: its bytes are passed over.
 */
public final class HttpParser implements ProtocolParser {

    /**
     * Requests kept waiting for their responses; past this the oldest is given up on (reported with status
     * "unknown"), so that a connection whose responses are not seen stays small.
     */
    static final int MAX_PENDING = 1024;

    private final RequestReader requests = new RequestReader();
    private final ResponseReader responses = new ResponseReader();
    private final PendingQueue<PendingRequest> pending = new PendingQueue<>(MAX_PENDING);

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        if (responses.switched()) {
            (segment.fromClient() ? requests.stream() : responses.stream()).append(segment);
            requests.stream().skipAll();
            responses.stream().skipAll();
            return;
        }
        if (segment.fromClient()) {
            responses.endResponseToClose(requests.stream().position(), out);
            requests.read(segment, pending, out);
        } else {
            responses.read(segment, pending, requests.stream().position(), out);
        }
    }

    @Override
    public ParserCounters counters() {
        return new ParserCounters(responses.unpairedResponses(),
                requests.resync().resyncs() + responses.resync().resyncs(),
                requests.stream().skippedBytes() + responses.stream().skippedBytes()
                        + requests.resync().scannedBytes() + responses.resync().scannedBytes(),
                pending.dropped());
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeByte(HttpParserFactory.STATE_VERSION);
        requests.writeState(out);
        responses.writeState(out);
        pending.writeState(out, (o, request) -> request.writeTo(o));
    }

    static HttpParser readState(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != HttpParserFactory.STATE_VERSION) {
            throw new IOException("not an HTTP parser state (version " + version + ")");
        }
        HttpParser parser = new HttpParser();
        parser.requests.readState(in);
        parser.responses.readState(in);
        parser.pending.readState(in, PendingRequest::readFrom, "HTTP");
        return parser;
    }
}
