package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.StateIO;

/**
 * A request whose response has not been read yet.
 *
 * @param method      the request method
 * @param resource    the target as reported ({@link RequestTarget})
 * @param startOffset stream offset of its first byte
 * @param startNs     when its first byte was seen
 * @param seq         TCP sequence number of its first byte, -1 if unknown
 * @param endOffset   stream offset one past its last byte; -1 while a chunked body is still being read
 */
record PendingRequest(String method, String resource, long startOffset, long startNs, long seq, long endOffset) {

    PendingRequest withEnd(long end) {
        return new PendingRequest(method, resource, startOffset, startNs, seq, end);
    }

    /**
     * Its size as far as it arrived: the framed size once all of it was read, else what was read of it until
     * {@code requestPosition} (a server may answer before the body came: a 405 to {@code Expect: 100-continue}).
     */
    long bytes(long requestPosition) {
        return (endOffset >= 0 ? Math.min(endOffset, requestPosition) : requestPosition) - startOffset;
    }

    /** Paired with a response of {@code status} read from {@code responseStart} to {@code responseEnd}. */
    Exchange answered(int status, String reason, long firstNs, long lastNs, long responseBytes, long responseSeq,
                      long requestPosition) {
        boolean error = status >= 500;
        String detail = status >= 400 && reason != null && !reason.isEmpty() ? reason : null;
        return new Exchange(method, resource, Integer.toString(status), error, detail, startNs, firstNs, lastNs,
                bytes(requestPosition), responseBytes, seq, responseSeq, List.of());
    }

    /**
     * Its response could not be read: status "unknown", no response bytes, and as response times the moment the
     * parser gave up on it (when the last byte it skipped was seen), so that a latency is an upper bound, never negative.
     */
    Exchange unanswered(long gaveUpNs, long requestPosition) {
        long at = Math.max(startNs, gaveUpNs);
        return new Exchange(method, resource, "unknown", false, null, startNs, at, at, bytes(requestPosition), 0, seq,
                -1, List.of());
    }

    void writeTo(DataOutput out) throws IOException {
        StateIO.writeString(out, method);
        StateIO.writeString(out, resource);
        out.writeLong(startOffset);
        out.writeLong(startNs);
        out.writeLong(seq);
        out.writeLong(endOffset);
    }

    static PendingRequest readFrom(DataInput in) throws IOException {
        return new PendingRequest(StateIO.readString(in), StateIO.readString(in), in.readLong(), in.readLong(),
                in.readLong(), in.readLong());
    }
}
