package io.tapwire.streams.l7.memcached;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.tapwire.streams.l7.parse.DirectionStream;

/**
 * Finds the message boundaries of one direction again after they were lost (bytes not captured where no length
 * spans them, or bytes that are no memcached text): passes stretches not captured and scans the captured bytes for a
 * line that starts with a command (requests) or a response word (responses). Keeps what a parser reports: resyncs,
 * bytes scanned over, and when the last skipped byte was seen (a request sent after it cannot have been answered by
 * skipped bytes).
 */
final class Resynchroniser {

    /** Captured bytes scanned in one piece: scanning copies them once instead of reading byte by byte. */
    private static final int WINDOW = 16 * 1024;
    /** The longest command or response word ("cache_memlimit", "CLIENT_ERROR") and the byte that ends it. */
    private static final int LONGEST_WORD = 15;

    private final boolean requests;
    private boolean lost;
    private boolean lineStart;
    private long resyncs;
    private long scannedBytes;
    private long skippedNs = Long.MIN_VALUE;

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
     * Scans ahead for a line that starts a message; true when the position is at one, false to wait for more bytes.
     *
     * @param segmentStart stream offset of the latest segment: a syscall's first byte starts a line as often as not
     * @param latestNs     when the latest segment's last byte was seen: bytes not captured were seen then at the latest
     */
    boolean find(DirectionStream stream, long segmentStart, long latestNs) {
        while (true) {
            if (stream.position() >= stream.end()) {
                return false;
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
                int wordEnd = wordEnd(bytes, i, window);
                if (wordEnd < 0) {
                    if (window == known && !more) {
                        skip(stream, i);
                        lineStart = true;
                        return false;
                    }
                    continue;
                }
                String word = new String(bytes, i, wordEnd - i, StandardCharsets.ISO_8859_1);
                if (requests ? MemcachedCommand.isCommand(word) : ResponseLine.isResponseWord(word)) {
                    skip(stream, i);
                    lost = false;
                    return true;
                }
            }
            lineStart = bytes[window - 1] == '\n';
            skip(stream, window);
        }
    }

    /**
     * Where the word at {@code from} ends (a space or a line end); -1 when the bytes end first; {@code from} (an empty
     * word, no command) when it is longer than any command or response word.
     */
    private static int wordEnd(byte[] bytes, int from, int length) {
        for (int i = from; i < Math.min(length, from + LONGEST_WORD); i++) {
            if (bytes[i] == ' ' || bytes[i] == '\r' || bytes[i] == '\n') {
                return i;
            }
        }
        return length - from < LONGEST_WORD ? -1 : from;
    }

    /** Passes over {@code n} captured bytes, noting when the last of them was seen. */
    private void skip(DirectionStream stream, int n) {
        if (n > 0) {
            skippedNs = Math.max(skippedNs, stream.timeAt(n - 1));
            stream.consume(n);
            scannedBytes += n;
        }
    }

    void writeState(DataOutput out) throws IOException {
        out.writeBoolean(lost);
        out.writeBoolean(lineStart);
        out.writeLong(resyncs);
        out.writeLong(scannedBytes);
        out.writeLong(skippedNs);
    }

    void readState(DataInput in) throws IOException {
        lost = in.readBoolean();
        lineStart = in.readBoolean();
        resyncs = in.readLong();
        scannedBytes = in.readLong();
        skippedNs = in.readLong();
    }
}
