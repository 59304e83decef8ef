package io.tapwire.streams.l7.memcached;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.LineResynchroniser;
import io.tapwire.streams.l7.parse.PendingQueue;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateIO;
import io.tapwire.streams.l7.parse.TextLines;

/**
 * The server-to-client direction of one connection: frames each response and pairs it with the oldest waiting
 * request. Responses describe their own shape: one line; a meta {@code VA} line and its data block; or VALUE blocks
 * (each line with its data block, passed by length, captured or not) and STAT lines up to END. A get answered by END
 * alone found nothing: a successful miss. ERROR, CLIENT_ERROR and SERVER_ERROR are failures, the line their detail.
 */
final class ResponseReader {

    /** Response lines are short: a VALUE line with a 250-byte key, a STAT line, an error message. */
    private static final int MAX_LINE = 8 * 1024;

    /**
     * The response being read.
     *
     * @param request the request it answers; null for a response with none waiting (it is framed, then dropped)
     * @param status  the line that decides its status so far (its first line)
     */
    private record Open(PendingRequest request, long startOffset, long firstNs, long seq, ResponseLine status) {
    }

    private DirectionStream stream = new DirectionStream();
    private final LineResynchroniser resync = new LineResynchroniser();
    private Open open;
    /** Inside a response that ends with END. */
    private boolean toEnd;
    /** Data block bytes (and their CR LF) still to pass. */
    private long remaining;
    private long lastNs;
    private long unpairedResponses;
    private long silentlyAnswered;

    DirectionStream stream() {
        return stream;
    }

    LineResynchroniser resync() {
        return resync;
    }

    long unpairedResponses() {
        return unpairedResponses;
    }

    /** Quiet meta commands whose answer quiet mode left out: successes that are not reported as exchanges. */
    long silentlyAnswered() {
        return silentlyAnswered;
    }

    void read(Segment segment, PendingQueue<PendingRequest> pending, Consumer<Exchange> out) {
        stream.append(segment);
        while (true) {
            if (remaining > 0) {
                if (!passData()) {
                    return;
                }
                if (!toEnd) {
                    finish(open.status(), out);
                }
                continue;
            }
            if (resync.lost()) {
                if (resync.find(stream, segment, MessageStarts::response) == LineResynchroniser.WAIT) {
                    return;
                }
                giveUpSentBefore(resync.skippedNs(), pending, out);
                continue;
            }
            if (stream.position() >= stream.end()) {
                return;
            }
            if (stream.atUncaptured()) {
                lose(out);
                continue;
            }
            int length = TextLines.length(stream, MAX_LINE);
            if (length == TextLines.WAIT) {
                return;
            }
            ResponseLine line = length > 0 ? ResponseLine.decode(TextLines.text(stream, length)) : null;
            if (line == null) {
                lose(out);
                continue;
            }
            if (open == null) {
                PendingRequest request = answeredBy(line.code(), pending);
                if (request == null) {
                    unpairedResponses++;
                }
                open = new Open(request, stream.position(), stream.timeAt(0), stream.seqAt(0), line);
            }
            lastNs = stream.timeAt(length - 1);
            stream.consume(length);
            framed(line, out);
        }
    }

    /**
     * The request a response starting with {@code code} answers, taken out; null when none waits. Quiet meta commands
     * ahead of it whose answer quiet mode left out are passed (the response cannot be theirs: quiet mode would have
     * left it out, or it is the MN that ends a quiet batch).
     */
    private PendingRequest answeredBy(String code, PendingQueue<PendingRequest> pending) {
        while (!pending.isEmpty() && pending.peek().answeredSilentlyBefore(code)) {
            pending.poll();
            silentlyAnswered++;
        }
        return pending.poll();
    }

    /**
     * Gives up on the requests seen no later than {@code skippedNs}, reporting them with status "unknown": their
     * responses may have been among the bytes the parser skipped, so pairing them with the responses that follow
     * could pair the wrong ones. Requests seen after the last skipped byte cannot have been answered by it and keep
     * waiting.
     */
    private static void giveUpSentBefore(long skippedNs, PendingQueue<PendingRequest> pending,
                                         Consumer<Exchange> out) {
        pending.dropWhile(request -> request.startNs() <= skippedNs,
                request -> out.accept(request.unanswered(skippedNs)));
    }

    private void framed(ResponseLine line, Consumer<Exchange> out) {
        switch (line.shape()) {
            case PART -> {
                toEnd = true;
                remaining = line.dataLength() >= 0 ? line.dataLength() + 2 : 0;
            }
            case END -> finish(toEnd ? open.status() : line, out);
            case SINGLE -> {
                if (toEnd) {
                    // an error instead of END: memcached gave up on the rest of a get
                    finish(line, out);
                } else if (line.dataLength() >= 0) {
                    remaining = line.dataLength() + 2;
                } else {
                    finish(line, out);
                }
            }
            default -> throw new IllegalStateException(line.shape().name());
        }
    }

    /** Passes what arrived of the data block; true when all of it was passed. */
    private boolean passData() {
        long take = Math.min(remaining, stream.end() - stream.position());
        if (take > 0) {
            lastNs = stream.timeAt(take - 1);
            stream.consume(take);
            remaining -= take;
        }
        return remaining == 0;
    }

    private void finish(ResponseLine status, Consumer<Exchange> out) {
        if (open.request() != null) {
            out.accept(open.request().answered(status, open.firstNs(), lastNs, stream.position() - open.startOffset(),
                    open.seq()));
        }
        open = null;
        toEnd = false;
        remaining = 0;
    }

    /**
     * The boundaries are lost: a response begun is reported with status "unknown" and what was read of it; the
     * requests it may have skipped are given up on when a response start is found again.
     */
    private void lose(Consumer<Exchange> out) {
        if (open != null && open.request() != null) {
            PendingRequest request = open.request();
            out.accept(new Exchange(request.command(), request.key(), "unknown", false, null, request.startNs(),
                    open.firstNs(), lastNs, request.endOffset() - request.startOffset(),
                    stream.position() - open.startOffset(), request.seq(), open.seq(), List.of()));
        }
        open = null;
        toEnd = false;
        remaining = 0;
        resync.lose(stream);
    }

    void writeState(DataOutput out) throws IOException {
        stream.writeState(out);
        resync.writeState(out);
        out.writeBoolean(open != null);
        if (open != null) {
            out.writeBoolean(open.request() != null);
            if (open.request() != null) {
                open.request().writeTo(out);
            }
            out.writeLong(open.startOffset());
            out.writeLong(open.firstNs());
            out.writeLong(open.seq());
            ResponseLine status = open.status();
            StateIO.writeString(out, status.code());
            out.writeByte(status.shape().ordinal());
            out.writeLong(status.dataLength());
            out.writeBoolean(status.failed());
            StateIO.writeString(out, status.text());
        }
        out.writeBoolean(toEnd);
        out.writeLong(remaining);
        out.writeLong(lastNs);
        out.writeLong(unpairedResponses);
        out.writeLong(silentlyAnswered);
    }

    void readState(DataInput in) throws IOException {
        stream = DirectionStream.readState(in);
        resync.readState(in);
        open = null;
        if (in.readBoolean()) {
            PendingRequest request = in.readBoolean() ? PendingRequest.readFrom(in) : null;
            long startOffset = in.readLong();
            long firstNs = in.readLong();
            long seq = in.readLong();
            String code = StateIO.readString(in);
            int shape = in.readUnsignedByte();
            if (shape >= ResponseLine.Shape.values().length) {
                throw new IOException("corrupt memcached parser state: response shape " + shape);
            }
            ResponseLine status = new ResponseLine(code, ResponseLine.Shape.values()[shape], in.readLong(),
                    in.readBoolean(), StateIO.readString(in));
            open = new Open(request, startOffset, firstNs, seq, status);
        }
        toEnd = in.readBoolean();
        remaining = in.readLong();
        lastNs = in.readLong();
        unpairedResponses = in.readLong();
        silentlyAnswered = in.readLong();
    }
}
