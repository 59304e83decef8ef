package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.LineResynchroniser;
import io.tapwire.streams.l7.parse.PendingQueue;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateIO;

/**
 * The server-to-client direction of one connection: frames each response and pairs each final one with the oldest
 * waiting request. Interim 1xx responses (100 Continue, 103 Early Hints) precede the final response of the same
 * request and are passed over; 101 Switching Protocols, and a 2xx to CONNECT, end HTTP on the connection (RFC 9110
 * §15.2.2, §9.3.6). Body rules (RFC 9112 §6.3): none after HEAD and for 1xx, 204 and 304; else chunked, else
 * Content-Length, else to the connection's close.
 */
final class ResponseReader {

    /**
     * The final response being read.
     *
     * @param request the request it answers; null for a response with none waiting (it is framed, then dropped)
     */
    private record Open(PendingRequest request, int status, String reason, long startOffset, long firstNs, long seq,
                        boolean chunked) {
    }

    private DirectionStream stream = new DirectionStream();
    private final HeadFramer head = new HeadFramer(false);
    private final BodyFramer body = new BodyFramer();
    private final LineResynchroniser resync = new LineResynchroniser();
    private Open open;
    /** The open response's end was lost at {@link #lostAt} (its last byte seen at {@link #lostNs}). */
    private boolean openLost;
    private long lostAt;
    private long lostNs;
    private boolean switched;
    private long unpairedResponses;

    DirectionStream stream() {
        return stream;
    }

    LineResynchroniser resync() {
        return resync;
    }

    long unpairedResponses() {
        return unpairedResponses;
    }

    /** True once the connection switched protocols (101, or a tunnel after CONNECT): nothing after is HTTP/1.x. */
    boolean switched() {
        return switched;
    }

    void read(Segment segment, PendingQueue<PendingRequest> pending, long requestPosition, Consumer<Exchange> out) {
        stream.append(segment);
        while (!switched) {
            if (open != null && !openLost) {
                BodyFramer.Step step = body.advance(stream);
                if (step == BodyFramer.Step.WAIT) {
                    return;
                }
                if (step == BodyFramer.Step.DONE) {
                    finish(body.lastNs(), stream.position(), requestPosition, out);
                } else {
                    loseOpen(body.lastNs());
                }
                continue;
            }
            if (resync.lost()) {
                boolean chunkedOpen = open != null && open.chunked();
                int found = resync.find(stream, segment,
                        chunkedOpen ? MessageStarts::lastChunkOrResponse : MessageStarts::response);
                if (found == LineResynchroniser.WAIT) {
                    return;
                }
                if (found > 0) {
                    // the position is past the last chunk of the open response's body
                    finish(resync.foundLastNs(), stream.position(), requestPosition, out);
                    continue;
                }
                if (open != null) {
                    finish(lostNs, lostAt, requestPosition, out);
                }
                giveUpSentBefore(resync.skippedNs(), pending, requestPosition, out);
                continue;
            }
            switch (head.advance(stream)) {
                case WAIT:
                    return;
                case GARBAGE:
                    resync.lose(stream);
                    break;
                case HEAD:
                    framed(pending, requestPosition, out);
                    break;
                case HEAD_LOST:
                    if (isInterim(head.head().status())) {
                        resync.lose(stream);
                    } else {
                        openFor(pending);
                        loseOpen(head.lastNs());
                    }
                    break;
                default:
                    throw new IllegalStateException();
            }
        }
        stream.skipAll();
    }

    /**
     * Gives up on the requests seen no later than {@code skippedNs}, reporting them with status "unknown": their
     * responses may have been among the bytes the parser skipped, so pairing them with the responses that follow
     * could pair the wrong ones. Requests seen after the last skipped byte cannot have been answered by it and keep
     * waiting.
     */
    private static void giveUpSentBefore(long skippedNs, PendingQueue<PendingRequest> pending, long requestPosition,
                                         Consumer<Exchange> out) {
        pending.dropWhile(request -> request.startNs() <= skippedNs,
                request -> out.accept(request.unanswered(skippedNs, requestPosition)));
    }

    /**
     * A response delimited by the connection's close ends, as far as the parser can tell, when the client sends again:
     * the capture shows no close, and waiting for one would hold the exchange for as long as the connection lives.
     */
    void endResponseToClose(long requestPosition, Consumer<Exchange> out) {
        if (open != null && !openLost && body.toClose()) {
            body.reset();
            finish(body.lastNs(), stream.position(), requestPosition, out);
        }
    }

    private void framed(PendingQueue<PendingRequest> pending, long requestPosition, Consumer<Exchange> out) {
        HttpHead response = head.head();
        int status = response.status();
        if (isInterim(status)) {
            if (pending.isEmpty()) {
                unpairedResponses++;
            }
            return;
        }
        openFor(pending);
        String method = open.request() == null ? null : open.request().method();
        if (status == 101 || ("CONNECT".equals(method) && status / 100 == 2)) {
            finish(head.lastNs(), stream.position(), requestPosition, out);
            switched = true;
        } else if ("HEAD".equals(method) || status == 204 || status == 304) {
            finish(head.lastNs(), stream.position(), requestPosition, out);
        } else if (response.chunked()) {
            body.startChunked(head.lastNs());
        } else if (response.badLength() || (head.wasCut() && response.contentLength() < 0 && !response.otherCoding())) {
            // a Content-Length that cannot be read, or one that may have been in the part of the head not captured
            loseOpen(head.lastNs());
        } else if (response.contentLength() >= 0 && !response.otherCoding()) {
            body.startLength(response.contentLength(), head.lastNs());
        } else {
            body.startToClose(head.lastNs());
        }
    }

    private static boolean isInterim(int status) {
        return status >= 100 && status < 200 && status != 101;
    }

    private void openFor(PendingQueue<PendingRequest> pending) {
        PendingRequest request = pending.poll();
        if (request == null) {
            unpairedResponses++;
        }
        HttpHead response = head.head();
        open = new Open(request, response.status(), response.reason(), head.startOffset(), head.startNs(),
                head.startSeq(), response.chunked());
        openLost = false;
    }

    private void loseOpen(long lastSeenNs) {
        openLost = true;
        lostAt = stream.position();
        lostNs = lastSeenNs;
        body.reset();
        resync.lose(stream);
    }

    private void finish(long lastNs, long endOffset, long requestPosition, Consumer<Exchange> out) {
        if (open.request() != null) {
            out.accept(open.request().answered(open.status(), open.reason(), open.firstNs(), lastNs,
                    endOffset - open.startOffset(), open.seq(), requestPosition));
        }
        open = null;
        openLost = false;
    }

    void writeState(DataOutput out) throws IOException {
        stream.writeState(out);
        head.writeState(out);
        body.writeState(out);
        resync.writeState(out);
        out.writeBoolean(open != null);
        if (open != null) {
            out.writeBoolean(open.request() != null);
            if (open.request() != null) {
                open.request().writeTo(out);
            }
            out.writeInt(open.status());
            StateIO.writeString(out, open.reason());
            out.writeLong(open.startOffset());
            out.writeLong(open.firstNs());
            out.writeLong(open.seq());
            out.writeBoolean(open.chunked());
        }
        out.writeBoolean(openLost);
        out.writeLong(lostAt);
        out.writeLong(lostNs);
        out.writeBoolean(switched);
        out.writeLong(unpairedResponses);
    }

    void readState(DataInput in) throws IOException {
        stream = DirectionStream.readState(in);
        head.readState(in);
        body.readState(in);
        resync.readState(in);
        open = null;
        if (in.readBoolean()) {
            PendingRequest request = in.readBoolean() ? PendingRequest.readFrom(in) : null;
            open = new Open(request, in.readInt(), StateIO.readString(in), in.readLong(), in.readLong(), in.readLong(),
                    in.readBoolean());
        }
        openLost = in.readBoolean();
        lostAt = in.readLong();
        lostNs = in.readLong();
        switched = in.readBoolean();
        unpairedResponses = in.readLong();
    }
}
