package io.tapwire.streams.l7.postgres;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.HeaderResynchroniser;

/**
 * Message boundaries in one direction of a PostgreSQL connection (protocol 3.x, "Message Formats"): a type byte, then
 * a big-endian int32 length that counts itself but not the type byte. The frontend's untyped openings
 * (StartupMessage, SSLRequest…) are read by the parser itself.
 *
 * <p>Which types a direction may send, and the lengths some of them always have, are what tells a message start from
 * any other byte: {@link #read} reports a header that breaks them as lost, and {@link #startsChain} tells where the
 * boundaries may be found again.
 */
final class PostgresFramer {

    /** What {@link #read} found at the stream's position. */
    enum Result {
        /** A plausible header: {@link #type()} and {@link #size()} describe the message. */
        MESSAGE,
        /** The header has not fully arrived yet. */
        WAIT,
        /** The header was not captured or is not a message header: the boundaries are lost. */
        LOST
    }

    static final int HEADER = 5;
    /** PostgreSQL's MaxAllocSize: no message is longer. */
    private static final long MAX_LENGTH = (1L << 30) - 1;
    /** Bound for the types whose bodies are names and counts, never data. */
    private static final long SMALL_LENGTH = 64 * 1024;
    /**
     * A resynchronisation candidate that is a single message running past the captured bytes is only believed this
     * long: a random 4-byte length is seldom this small, so garbage rarely passes.
     */
    private static final long SINGLE_CANDIDATE_MAX = 1 << 20;

    private final long[] maxLength = new long[256];
    private final long[] fixedLength = new long[256];

    private int type;
    private long size;

    private PostgresFramer() {
    }

    /** The messages a client sends once started. */
    static PostgresFramer frontend() {
        PostgresFramer framer = new PostgresFramer();
        framer.allow("BPQdFp", MAX_LENGTH);
        framer.allow("CDE", SMALL_LENGTH);
        framer.fixed("SHXc", 4);
        framer.allow("f", SMALL_LENGTH);
        return framer;
    }

    /** The messages a server sends. */
    static PostgresFramer backend() {
        PostgresFramer framer = new PostgresFramer();
        framer.allow("TDENAGHWdVtv", MAX_LENGTH);
        framer.allow("RSC", SMALL_LENGTH);
        framer.fixed("123nsIc", 4);
        framer.fixed("Z", 5);
        framer.fixed("K", 12);
        return framer;
    }

    private void allow(String types, long max) {
        for (char t : types.toCharArray()) {
            maxLength[t] = max;
        }
    }

    private void fixed(String types, long length) {
        for (char t : types.toCharArray()) {
            maxLength[t] = length;
            fixedLength[t] = length;
        }
    }

    /** The type byte of the message {@link #read} found. */
    int type() {
        return type;
    }

    /** The whole size of the message {@link #read} found, type byte included. */
    long size() {
        return size;
    }

    /** Reads the header at the stream's position. */
    Result read(DirectionStream stream) {
        if (stream.atUncaptured()) {
            return Result.LOST;
        }
        int known = stream.knownAhead();
        if (known < HEADER) {
            return stream.position() + known < stream.end() ? Result.LOST : Result.WAIT;
        }
        int t = stream.byteAt(0);
        long length = int32(stream, 1);
        if (!valid(t, length)) {
            return Result.LOST;
        }
        type = t;
        size = 1 + length;
        return Result.MESSAGE;
    }

    /**
     * Whether the boundaries may be found again at {@code from} bytes ahead ({@link HeaderResynchroniser.Candidate}):
     * from there a chain of valid headers runs to the end of the {@code known} captured bytes (a write usually ends at
     * a message end) or on past it.
     */
    boolean startsChain(DirectionStream stream, long from, int known) {
        long at = from;
        int messages = 0;
        while (at + HEADER <= known) {
            long length = int32(stream, at + 1);
            if (!valid(stream.byteAt(at), length)) {
                return false;
            }
            messages++;
            long next = at + 1 + length;
            if (next == known) {
                return true;
            }
            if (next > known) {
                return messages >= 2 || length <= SINGLE_CANDIDATE_MAX;
            }
            at = next;
        }
        // A header cut by the end of the captured bytes: its type byte still has to be one of the direction's.
        return messages >= 1 && maxLength[stream.byteAt(at)] > 0;
    }

    private boolean valid(int t, long length) {
        return length >= 4 && length <= maxLength[t] && (fixedLength[t] == 0 || fixedLength[t] == length);
    }

    /** The big-endian int32 at {@code relative}, which must be captured. */
    static long int32(DirectionStream stream, long relative) {
        return (stream.byteAt(relative) << 24 | stream.byteAt(relative + 1) << 16 | stream.byteAt(relative + 2) << 8
                | stream.byteAt(relative + 3));
    }
}
