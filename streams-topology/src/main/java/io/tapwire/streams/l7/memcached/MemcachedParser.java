package io.tapwire.streams.l7.memcached;

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
 * Memcached's text protocol (and its meta commands) on one observed socket: commands are framed by
 * {@link RequestReader} and wait in a {@link PendingQueue}; {@link ResponseReader} frames the responses and pairs
 * each with the oldest waiting command (memcached answers in order; clients pipeline). Each exchange reports the
 * command ("get"), its first key, "ok" or "failed" (with the error line as detail), and exact sizes.
 *
 * <p>Commands that get no response are not reported as exchanges: those sent with {@code noreply}, {@code quit}, and
 * quiet meta commands (flag q) whose usual outcome quiet mode left out ({@link #noReplyRequests()} and
 * {@link #silentlyAnswered()} count them). There is no connection set-up (SASL is binary-protocol only).
 */
public final class MemcachedParser implements ProtocolParser {

    /**
     * Commands kept waiting for their responses; past this the oldest is given up on (reported with status
     * "unknown"), so that a connection whose responses are not seen stays small. Commands that get no response
     * ({@code noreply}, {@code quit}) never wait.
     */
    static final int MAX_PENDING = 1024;

    private final RequestReader requests = new RequestReader();
    private final ResponseReader responses = new ResponseReader();
    private final PendingQueue<PendingRequest> pending = new PendingQueue<>(MAX_PENDING);

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        if (segment.fromClient()) {
            requests.read(segment, pending, out);
        } else {
            responses.read(segment, pending, out);
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

    /** Commands sent with noreply, and quit: no response comes, no exchange is reported. */
    public long noReplyRequests() {
        return requests.noReplyRequests();
    }

    /** Quiet meta commands whose usual outcome quiet mode left out: no response came, no exchange is reported. */
    public long silentlyAnswered() {
        return responses.silentlyAnswered();
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeByte(MemcachedParserFactory.STATE_VERSION);
        requests.writeState(out);
        responses.writeState(out);
        pending.writeState(out, (o, request) -> request.writeTo(o));
    }

    static MemcachedParser readState(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != MemcachedParserFactory.STATE_VERSION) {
            throw new IOException("not a memcached parser state (version " + version + ")");
        }
        MemcachedParser parser = new MemcachedParser();
        parser.requests.readState(in);
        parser.responses.readState(in);
        parser.pending.readState(in, PendingRequest::readFrom, "memcached");
        return parser;
    }
}
