package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.DirectionStream;

/**
 * Finds the message boundaries of one direction again after they were lost (bytes not captured where no length
 * spans them, or bytes that are no HTTP): passes stretches not captured and scans the captured bytes for a line that
 * starts a message — a request line of a common method, or a status line — and, for a chunked response body whose
 * chunk sizes were lost, for its last chunk {@code 0 CRLF CRLF}. Keeps what a parser reports: resyncs, bytes scanned
 * over, and when the last skipped byte was seen (a request sent after it cannot have been answered by skipped bytes).
 */
final class Resynchroniser {

    enum Found {
        /** Nothing yet: wait for more bytes. */
        WAIT,
        /** The position is at the start of a message. */
        MESSAGE,
        /** The position is just past the last chunk of the chunked body being looked for; {@link #bodyEndNs()} is when its last byte was seen. */
        BODY_END
    }

    /** Captured bytes scanned in one piece: scanning copies them once instead of reading byte by byte. */
    private static final int WINDOW = 16 * 1024;
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final boolean requests;
    private boolean lost;
    private boolean lineStart;
    private long resyncs;
    private long scannedBytes;
    private long skippedNs = Long.MIN_VALUE;
    private long bodyEndNs;

    Resynchroniser(boolean requests) {
        this.requests = requests;
    }

    boolean lost() {
        return lost;
    }

    long resyncs() {
        return resyncs;
    }

    /** Captured bytes passed over while looking for a message start (bytes not captured count in the stream). */
    long scannedBytes() {
        return scannedBytes;
    }

    /** When the last byte skipped since the boundaries were lost was seen, at the latest; MIN_VALUE if none was. */
    long skippedNs() {
        return skippedNs;
    }

    long bodyEndNs() {
        return bodyEndNs;
    }

    /**
     * The boundaries are lost at the position. If the byte there was captured it is no message start (the caller
     * tried): it is passed over, so that scanning does not find the same place again.
     */
    void lose(DirectionStream stream) {
        resyncs++;
        lost = true;
        lineStart = false;
        skippedNs = Long.MIN_VALUE;
        if (stream.position() < stream.end() && !stream.atUncaptured() && stream.knownAhead() > 0) {
            lineStart = stream.byteAt(0) == '\n';
            skip(stream, 1);
        }
    }

    /**
     * Scans ahead for a message start (or, with {@code chunkEnd}, a chunked body's end).
     *
     * @param segmentStart stream offset of the latest segment: a syscall's first byte starts a line as often as not
     * @param latestNs     when the latest segment's last byte was seen: bytes not captured were seen then at the latest
     */
    Found find(DirectionStream stream, boolean chunkEnd, long segmentStart, long latestNs) {
        while (true) {
            if (stream.position() >= stream.end()) {
                return Found.WAIT;
            }
            if (stream.atUncaptured()) {
                // the stretch not captured came with the latest segment at the latest (a lost record: before it)
                stream.skipUncaptured();
                skippedNs = Math.max(skippedNs, latestNs);
                lineStart = true;
                continue;
            }
            int known = stream.knownAhead();
            boolean more = known < stream.end() - stream.position();
            int window = Math.min(known, WINDOW);
            byte[] bytes = stream.bytes(0, window);
            for (int i = 0; i < window; i++) {
                boolean atLineStart = i == 0 ? lineStart || stream.position() == segmentStart : bytes[i - 1] == '\n';
                if (!atLineStart) {
                    continue;
                }
                if (chunkEnd && startsWith(bytes, i, window, LAST_CHUNK)) {
                    bodyEndNs = stream.timeAt(i + LAST_CHUNK.length - 1);
                    skip(stream, i + LAST_CHUNK.length);
                    lost = false;
                    return Found.BODY_END;
                }
                if (window - i < HttpHead.START_PREFIX) {
                    if (window == known && !more) {
                        skip(stream, i);
                        lineStart = true;
                        return Found.WAIT;
                    }
                    continue;
                }
                boolean start = requests ? HttpHead.looksLikeRequestLine(bytes, i, window)
                        : HttpHead.looksLikeStatusLine(bytes, i, window);
                if (start) {
                    skip(stream, i);
                    lost = false;
                    return Found.MESSAGE;
                }
            }
            lineStart = bytes[window - 1] == '\n';
            skip(stream, window);
        }
    }

    /** Passes over {@code n} captured bytes, noting when the last of them was seen. */
    private void skip(DirectionStream stream, int n) {
        if (n > 0) {
            skippedNs = Math.max(skippedNs, stream.timeAt(n - 1));
            stream.consume(n);
            scannedBytes += n;
        }
    }

    private static boolean startsWith(byte[] bytes, int from, int length, byte[] prefix) {
        if (length - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    void writeState(DataOutput out) throws IOException {
        out.writeBoolean(lost);
        out.writeBoolean(lineStart);
        out.writeLong(resyncs);
        out.writeLong(scannedBytes);
        out.writeLong(skippedNs);
        out.writeLong(bodyEndNs);
    }

    void readState(DataInput in) throws IOException {
        lost = in.readBoolean();
        lineStart = in.readBoolean();
        resyncs = in.readLong();
        scannedBytes = in.readLong();
        skippedNs = in.readLong();
        bodyEndNs = in.readLong();
    }
}
