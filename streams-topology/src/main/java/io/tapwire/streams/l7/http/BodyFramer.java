package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.TextLines;

/**
 * Walks one message body (RFC 9112 §6) in one direction's stream, across segments: a Content-Length body, a chunked
 * body (chunk size lines, chunk data, the last chunk and its trailer fields), or a response body that runs to the
 * connection's close. Data is passed by its length whether it was captured or not (nginx sends file bodies with
 * sendfile: their bytes are counted, never seen), consuming only what arrived so that the time of the body's last
 * byte is known when it ends.
 */
final class BodyFramer {

    enum Step {
        /** The body ended (or there was none); {@link #lastNs()} is when its last byte was seen. */
        DONE,
        /** More of the body is to come. */
        WAIT,
        /** A chunk size line or a trailer line could not be read (not captured, or not one): the body's end is unknown. */
        LOST
    }

    private enum Mode { NONE, LENGTH, CHUNK_SIZE, CHUNK_DATA, TRAILER, TO_CLOSE }

    /** A chunk size line is a hex number and extensions: longer ones are not chunk size lines. */
    private static final int MAX_LINE = 1024;

    private Mode mode = Mode.NONE;
    private long remaining;
    private long lastNs;

    /** True while a body is being walked (also one that runs to the close). */
    boolean active() {
        return mode != Mode.NONE;
    }

    /** True for a response body delimited by the connection's close, which the capture does not show. */
    boolean toClose() {
        return mode == Mode.TO_CLOSE;
    }

    /** When the last byte of the body so far (or of the head before it) was seen. */
    long lastNs() {
        return lastNs;
    }

    void startLength(long length, long headLastNs) {
        start(length > 0 ? Mode.LENGTH : Mode.NONE, length, headLastNs);
    }

    void startChunked(long headLastNs) {
        start(Mode.CHUNK_SIZE, 0, headLastNs);
    }

    void startToClose(long headLastNs) {
        start(Mode.TO_CLOSE, 0, headLastNs);
    }

    /** Forgets the body being walked (its end was lost, or the connection stopped being HTTP). */
    void reset() {
        mode = Mode.NONE;
        remaining = 0;
    }

    private void start(Mode mode, long remaining, long headLastNs) {
        this.mode = mode;
        this.remaining = remaining;
        this.lastNs = headLastNs;
    }

    Step advance(DirectionStream stream) {
        while (true) {
            switch (mode) {
                case NONE:
                    return Step.DONE;
                case LENGTH:
                case CHUNK_DATA: {
                    if (!consumeRemaining(stream)) {
                        return Step.WAIT;
                    }
                    mode = mode == Mode.LENGTH ? Mode.NONE : Mode.CHUNK_SIZE;
                    break;
                }
                case CHUNK_SIZE:
                case TRAILER: {
                    int lineLength = lineLength(stream);
                    if (lineLength == 0) {
                        return Step.WAIT;
                    }
                    if (lineLength < 0) {
                        reset();
                        return Step.LOST;
                    }
                    Step step = mode == Mode.CHUNK_SIZE ? chunkSizeLine(stream, lineLength) : trailerLine(stream, lineLength);
                    if (step != null) {
                        return step;
                    }
                    break;
                }
                case TO_CLOSE: {
                    long arrived = stream.end() - stream.position();
                    if (arrived > 0) {
                        lastNs = stream.timeAt(arrived - 1);
                        stream.consume(arrived);
                    }
                    return Step.WAIT;
                }
                default:
                    throw new IllegalStateException(mode.name());
            }
        }
    }

    /** Consumes what arrived of the remaining bytes; true when none remain. */
    private boolean consumeRemaining(DirectionStream stream) {
        long take = Math.min(remaining, stream.end() - stream.position());
        if (take > 0) {
            lastNs = stream.timeAt(take - 1);
            stream.consume(take);
            remaining -= take;
        }
        return remaining == 0;
    }

    /** The length of the line ahead with its LF; 0 when it has not all arrived; below 0 when it cannot be read. */
    private static int lineLength(DirectionStream stream) {
        if (stream.position() >= stream.end()) {
            return TextLines.WAIT;
        }
        if (stream.atUncaptured()) {
            return TextLines.CUT;
        }
        return TextLines.length(stream, MAX_LINE);
    }

    /** {@code chunk-size [; extensions] CRLF} (§7.1); null to go on. */
    private Step chunkSizeLine(DirectionStream stream, int lineLength) {
        long size = 0;
        int digits = 0;
        for (int i = 0; i < lineLength; i++) {
            int digit = Character.digit(stream.byteAt(i), 16);
            if (digit < 0) {
                break;
            }
            size = size * 16 + digit;
            digits++;
            if (size > HttpHead.MAX_BODY) {
                break;
            }
        }
        if (digits == 0 || size > HttpHead.MAX_BODY) {
            reset();
            return Step.LOST;
        }
        lastNs = stream.timeAt(lineLength - 1);
        stream.consume(lineLength);
        if (size == 0) {
            mode = Mode.TRAILER;
        } else {
            mode = Mode.CHUNK_DATA;
            remaining = size + 2;
        }
        return null;
    }

    /** A trailer field line, or the empty line that ends the message (§7.1.2); null to go on. */
    private Step trailerLine(DirectionStream stream, int lineLength) {
        boolean empty = lineLength == 1 || (lineLength == 2 && stream.byteAt(0) == '\r');
        lastNs = stream.timeAt(lineLength - 1);
        stream.consume(lineLength);
        if (empty) {
            mode = Mode.NONE;
            return Step.DONE;
        }
        return null;
    }

    void writeState(DataOutput out) throws IOException {
        out.writeByte(mode.ordinal());
        out.writeLong(remaining);
        out.writeLong(lastNs);
    }

    void readState(DataInput in) throws IOException {
        int ordinal = in.readUnsignedByte();
        if (ordinal >= Mode.values().length) {
            throw new IOException("corrupt HTTP parser state: body mode " + ordinal);
        }
        mode = Mode.values()[ordinal];
        remaining = in.readLong();
        lastNs = in.readLong();
    }
}
