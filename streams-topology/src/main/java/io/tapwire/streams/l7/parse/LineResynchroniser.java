package io.tapwire.streams.l7.parse;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Finds the message boundaries of one direction of a text protocol (HTTP/1.x, memcached) again after they were lost
 * (bytes not captured where no length spans them, or bytes that are not the protocol): passes stretches not captured
 * and scans the captured bytes for a line at which the protocol's {@link LineStart} recognises a message. Keeps what
 * a parser reports: resyncs, bytes scanned over, and when the last skipped byte was seen (a request sent after it
 * cannot have been answered by skipped bytes).
 */
public final class LineResynchroniser {

    /** What a protocol recognises at the start of a line. */
    @FunctionalInterface
    public interface LineStart {

        /**
         * Looks at the line starting at {@code bytes[from]} (the bytes scanned end at {@code length}): returns
         * {@link #NO}, {@link #MORE} when more bytes are needed to tell, 0 when a message starts there, or a positive
         * number of bytes when what was looked for ends that many bytes on (the resynchroniser passes them too).
         */
        int at(byte[] bytes, int from, int length);
    }

    /** For {@link LineStart#at}: no message starts at this line. */
    public static final int NO = -1;
    /** For {@link LineStart#at}: the bytes end before it can tell. */
    public static final int MORE = -2;
    /** For {@link #find}: nothing yet, wait for more bytes. */
    public static final int WAIT = -1;

    /** Captured bytes scanned in one piece: scanning copies them once instead of reading byte by byte. */
    private static final int WINDOW = 16 * 1024;

    private boolean lost;
    private boolean lineStart;
    private long resyncs;
    private long scannedBytes;
    private long skippedNs = Long.MIN_VALUE;
    private long foundLastNs;

    public boolean lost() {
        return lost;
    }

    public long resyncs() {
        return resyncs;
    }

    /** Captured bytes passed over while looking for a message start (bytes not captured count in the stream). */
    public long scannedBytes() {
        return scannedBytes;
    }

    /** When the last byte skipped since the boundaries were lost was seen, at the latest; MIN_VALUE if none was. */
    public long skippedNs() {
        return skippedNs;
    }

    /**
     * After {@link #find} returned a positive length: when the last byte of what was found was seen. Not part of the
     * written state, since it is read right after the find.
     */
    public long foundLastNs() {
        return foundLastNs;
    }

    /**
     * The boundaries are lost at the position. If the byte there was captured it is no message start (the caller
     * tried): it is passed over, so that scanning does not find the same place again.
     */
    public void lose(DirectionStream stream) {
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
     * Scans ahead for a line at which {@code start} recognises something. Returns {@link #WAIT} to wait for more
     * bytes, else what {@code start} returned there, with the position at the message start (0) or past what was
     * found (a positive length); the boundaries are no longer lost then.
     *
     * @param latest the segment of this direction just appended to {@code stream}: its first byte starts a line as often
     *               as not (a syscall's), and bytes not captured before its end were seen when its last byte was, at
     *               the latest
     */
    public int find(DirectionStream stream, Segment latest, LineStart start) {
        while (true) {
            if (stream.position() >= stream.end()) {
                return WAIT;
            }
            if (stream.atUncaptured()) {
                // the stretch not captured came with the latest segment at the latest (a lost record: before it)
                stream.skipUncaptured();
                skippedNs = Math.max(skippedNs, latest.lastByteNs());
                lineStart = true;
                continue;
            }
            int known = stream.knownAhead();
            boolean more = known < stream.end() - stream.position();
            int window = Math.min(known, WINDOW);
            byte[] bytes = stream.bytes(0, window);
            for (int i = 0; i < window; i++) {
                boolean atLineStart = i == 0 ? lineStart || stream.position() == latest.offset() : bytes[i - 1] == '\n';
                if (!atLineStart) {
                    continue;
                }
                int found = start.at(bytes, i, window);
                if (found == MORE) {
                    if (window == known && !more) {
                        skip(stream, i);
                        lineStart = true;
                        return WAIT;
                    }
                } else if (found >= 0) {
                    if (found > 0) {
                        foundLastNs = stream.timeAt(i + found - 1);
                    }
                    skip(stream, i + found);
                    lost = false;
                    return found;
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

    public void writeState(DataOutput out) throws IOException {
        out.writeBoolean(lost);
        out.writeBoolean(lineStart);
        out.writeLong(resyncs);
        out.writeLong(scannedBytes);
        out.writeLong(skippedNs);
    }

    public void readState(DataInput in) throws IOException {
        lost = in.readBoolean();
        lineStart = in.readBoolean();
        resyncs = in.readLong();
        scannedBytes = in.readLong();
        skippedNs = in.readLong();
    }
}
