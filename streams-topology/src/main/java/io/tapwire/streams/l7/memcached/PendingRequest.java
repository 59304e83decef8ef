package io.tapwire.streams.l7.memcached;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.StateIO;

/**
 * A request whose response has not been read yet.
 *
 * @param command     the command ("get"); null for a line memcached does not know
 * @param key         its first key, or null
 * @param quiet       a quiet meta command: its response may never come ({@link MemcachedCommand#quietSkips})
 * @param startOffset stream offset of its first byte
 * @param startNs     when its first byte was seen
 * @param seq         TCP sequence number of its first byte, -1 if unknown
 * @param endOffset   stream offset one past its last byte
 */
record PendingRequest(String command, String key, boolean quiet, long startOffset, long startNs, long seq,
                      long endOffset) {

    PendingRequest withEnd(long end) {
        return new PendingRequest(command, key, quiet, startOffset, startNs, seq, end);
    }

    /** A response starting with {@code code} cannot be this request's: quiet mode left its answer out. */
    boolean answeredSilentlyBefore(String code) {
        if (!quiet) {
            return false;
        }
        return MemcachedCommand.quietSkips(command, code);
    }

    Exchange answered(ResponseLine status, long firstNs, long lastNs, long responseBytes, long responseSeq) {
        return new Exchange(command, key, status.failed() ? "failed" : "ok", status.failed(),
                status.failed() ? status.text() : null, startNs, firstNs, lastNs, endOffset - startOffset,
                responseBytes, seq, responseSeq, List.of());
    }

    /**
     * Its response could not be read: status "unknown", no response bytes, and as response times the moment the
     * parser gave up on it (when the last byte it skipped was seen), so that a latency is an upper bound, never negative.
     */
    Exchange unanswered(long gaveUpNs) {
        long at = Math.max(startNs, gaveUpNs);
        return new Exchange(command, key, "unknown", false, null, startNs, at, at, endOffset - startOffset, 0, seq, -1,
                List.of());
    }

    void writeTo(DataOutput out) throws IOException {
        StateIO.writeString(out, command);
        StateIO.writeString(out, key);
        out.writeBoolean(quiet);
        out.writeLong(startOffset);
        out.writeLong(startNs);
        out.writeLong(seq);
        out.writeLong(endOffset);
    }

    static PendingRequest readFrom(DataInput in) throws IOException {
        return new PendingRequest(StateIO.readString(in), StateIO.readString(in), in.readBoolean(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong());
    }
}
