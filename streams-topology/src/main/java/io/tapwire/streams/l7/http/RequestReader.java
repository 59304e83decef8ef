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

/**
 * The client-to-server direction of one connection: frames each request (head, then body by Content-Length or
 * chunked; a request with neither has none, RFC 9112 §6.3 rule 7) and queues it for its response.
 */
final class RequestReader {

    private DirectionStream stream = new DirectionStream();
    private final HeadFramer head = new HeadFramer(true);
    private final BodyFramer body = new BodyFramer();
    private final LineResynchroniser resync = new LineResynchroniser();
    /** Start offset of the request whose body is being walked. */
    private long bodyOf = -1;

    DirectionStream stream() {
        return stream;
    }

    LineResynchroniser resync() {
        return resync;
    }

    void read(Segment segment, PendingQueue<PendingRequest> pending, Consumer<Exchange> out) {
        stream.append(segment);
        while (true) {
            if (body.active()) {
                BodyFramer.Step step = body.advance(stream);
                if (step == BodyFramer.Step.WAIT) {
                    return;
                }
                // the request whose body this was is the newest, if it still waits
                long end = stream.position();
                pending.updateLast(request -> request.startOffset() == bodyOf ? request.withEnd(end) : request);
                if (step == BodyFramer.Step.LOST) {
                    resync.lose(stream);
                }
                continue;
            }
            if (resync.lost()) {
                if (resync.find(stream, segment, MessageStarts::request) == LineResynchroniser.WAIT) {
                    return;
                }
                continue;
            }
            switch (head.advance(stream)) {
                case WAIT:
                    return;
                case GARBAGE:
                    resync.lose(stream);
                    break;
                case HEAD:
                    queue(pending, out);
                    break;
                case HEAD_LOST:
                    queueCut(pending, out);
                    resync.lose(stream);
                    break;
                default:
                    throw new IllegalStateException();
            }
        }
    }

    private void queue(PendingQueue<PendingRequest> pending, Consumer<Exchange> out) {
        HttpHead request = head.head();
        long headEnd = stream.position();
        long end;
        if (request.chunked()) {
            body.startChunked(head.lastNs());
            end = -1;
        } else if (request.otherCoding() || request.badLength()) {
            end = headEnd;
        } else {
            long length = Math.max(0, request.contentLength());
            body.startLength(length, head.lastNs());
            end = headEnd + length;
        }
        bodyOf = head.startOffset();
        enqueue(pending, new PendingRequest(request.method(), RequestTarget.resource(request.target()),
                head.startOffset(), head.startNs(), head.startSeq(), end), out);
        if (request.otherCoding() || request.badLength()) {
            // §6.3 rules 4 and 5: the server cannot frame it either and closes the connection
            resync.lose(stream);
        }
    }

    private void queueCut(PendingQueue<PendingRequest> pending, Consumer<Exchange> out) {
        HttpHead request = head.head();
        enqueue(pending, new PendingRequest(request.method(), RequestTarget.resource(request.target()),
                head.startOffset(), head.startNs(), head.startSeq(), stream.position()), out);
    }

    /** Queues a request; the oldest one, dropped when too many wait, is reported with status "unknown". */
    private void enqueue(PendingQueue<PendingRequest> pending, PendingRequest request, Consumer<Exchange> out) {
        PendingRequest dropped = pending.add(request);
        if (dropped != null) {
            out.accept(dropped.unanswered(request.startNs(), stream.position()));
        }
    }

    void writeState(DataOutput out) throws IOException {
        stream.writeState(out);
        head.writeState(out);
        body.writeState(out);
        resync.writeState(out);
        out.writeLong(bodyOf);
    }

    void readState(DataInput in) throws IOException {
        stream = DirectionStream.readState(in);
        head.readState(in);
        body.readState(in);
        resync.readState(in);
        bodyOf = in.readLong();
    }
}
