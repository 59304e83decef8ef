package io.tapwire.streams.l7.memcached;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.LineResynchroniser;
import io.tapwire.streams.l7.parse.PendingQueue;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.TextLines;

/**
 * The client-to-server direction of one connection: frames each command line and the data block a storage command
 * carries (passed by its length, captured or not), and queues the commands that get a response. A line memcached does
 * not know is a request too: memcached answers it with ERROR.
 */
final class RequestReader {

    /** A get with many keys makes long lines; memcached refuses other lines beyond 2 KiB. */
    private static final int MAX_LINE = 64 * 1024;

    private DirectionStream stream = new DirectionStream();
    private final LineResynchroniser resync = new LineResynchroniser();
    /** A get line the capture cut is registered; its end is looked for past the stretch not captured. */
    private boolean inCutLine;
    private long cutLineStart;
    private long noReplyRequests;

    DirectionStream stream() {
        return stream;
    }

    LineResynchroniser resync() {
        return resync;
    }

    /** Commands sent with noreply (and quit): they get no response and are not reported as exchanges. */
    long noReplyRequests() {
        return noReplyRequests;
    }

    void read(Segment segment, PendingQueue<PendingRequest> pending, Consumer<Exchange> out) {
        stream.append(segment);
        while (true) {
            if (inCutLine) {
                if (!findCutLineEnd(pending)) {
                    return;
                }
                continue;
            }
            if (resync.lost()) {
                if (resync.find(stream, segment, MessageStarts::request) == LineResynchroniser.WAIT) {
                    return;
                }
                continue;
            }
            if (stream.position() >= stream.end()) {
                return;
            }
            if (stream.atUncaptured()) {
                resync.lose(stream);
                continue;
            }
            int length = TextLines.length(stream, MAX_LINE);
            if (length == TextLines.WAIT) {
                return;
            } else if (length == TextLines.TOO_LONG) {
                resync.lose(stream);
            } else if (length == TextLines.CUT) {
                cutLine(pending, out);
            } else {
                line(length, pending, out);
            }
        }
    }

    private void line(int length, PendingQueue<PendingRequest> pending, Consumer<Exchange> out) {
        MemcachedCommand command = MemcachedCommand.decode(TextLines.text(stream, length), true);
        long start = stream.position();
        long startNs = stream.timeAt(0);
        long seq = stream.seqAt(0);
        long size = length + (command.dataLength() >= 0 ? command.dataLength() + 2 : 0);
        stream.consume(size);
        if (command.noReply()) {
            noReplyRequests++;
            return;
        }
        enqueue(pending, new PendingRequest(command.name(), command.key(), command.quiet(), start, startNs, seq,
                start + size), out);
    }

    private void cutLine(PendingQueue<PendingRequest> pending, Consumer<Exchange> out) {
        int known = stream.knownAhead();
        MemcachedCommand command = MemcachedCommand.decode(stream.bytes(0, known), false);
        if (command == null) {
            resync.lose(stream);
            return;
        }
        long start = stream.position();
        enqueue(pending, new PendingRequest(command.name(), command.key(), false, start, stream.timeAt(0),
                stream.seqAt(0), start + known), out);
        stream.consume(known);
        inCutLine = true;
        cutLineStart = start;
    }

    /** Passes the rest of a cut get line; false to wait for more bytes. */
    private boolean findCutLineEnd(PendingQueue<PendingRequest> pending) {
        while (true) {
            if (stream.position() - cutLineStart > MAX_LINE) {
                inCutLine = false;
                resync.lose(stream);
                return true;
            }
            if (stream.position() >= stream.end()) {
                return false;
            }
            if (stream.atUncaptured()) {
                stream.skipUncaptured();
                continue;
            }
            int length = TextLines.length(stream, MAX_LINE);
            if (length == TextLines.WAIT) {
                return false;
            }
            if (length > 0) {
                stream.consume(length);
                // the get whose line this was is the newest, if it still waits
                long end = stream.position();
                pending.updateLast(request -> request.startOffset() == cutLineStart ? request.withEnd(end) : request);
                inCutLine = false;
                return true;
            }
            stream.consume(stream.knownAhead());
        }
    }

    /** Queues a command; the oldest one, dropped when too many wait, is reported with status "unknown". */
    private static void enqueue(PendingQueue<PendingRequest> pending, PendingRequest request, Consumer<Exchange> out) {
        PendingRequest dropped = pending.add(request);
        if (dropped != null) {
            out.accept(dropped.unanswered(request.startNs()));
        }
    }

    void writeState(DataOutput out) throws IOException {
        stream.writeState(out);
        resync.writeState(out);
        out.writeBoolean(inCutLine);
        out.writeLong(cutLineStart);
        out.writeLong(noReplyRequests);
    }

    void readState(DataInput in) throws IOException {
        stream = DirectionStream.readState(in);
        resync.readState(in);
        inCutLine = in.readBoolean();
        cutLineStart = in.readLong();
        noReplyRequests = in.readLong();
    }
}
