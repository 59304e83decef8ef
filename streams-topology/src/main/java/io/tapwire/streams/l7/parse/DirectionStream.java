package io.tapwire.streams.l7.parse;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One direction of a connection as far as the capture saw it, for a parser to walk through message by message: the
 * bytes of the segments' heads and tails, and the stretches between them (and between segments) that were not
 * captured, each at its stream offset. The parser reads at its {@link #position()}, consumes what it framed, and may
 * consume past what arrived (a message's body announced by its length): those bytes are dropped as they come.
 *
 * <p>Known bytes kept ahead of the position are bounded ({@link #MAX_BUFFERED}): beyond that the oldest become
 * "not captured", so a parser waiting for a message end that never comes resynchronises instead of growing.
 */
public final class DirectionStream {

    /** Known bytes kept ahead of the position. */
    public static final int MAX_BUFFERED = 256 * 1024;

    /**
     * A stretch of the stream: captured bytes, or {@code bytes == null} for bytes not captured. Times and the sequence
     * number are those of the segment it came from ({@code segmentOffset}).
     */
    private record Chunk(long start, byte[] bytes, long length, long segmentOffset, long firstNs, long lastNs,
                         long seq) {
        long end() {
            return start + length;
        }
    }

    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    /** The chunk {@link #chunkAt} found last: parsers read byte after byte, mostly from one chunk. */
    private Chunk lastFound;
    private long position;
    private long end;
    private long buffered;
    private long skippedBytes;

    /** Stream offset of the next byte the parser has not consumed. */
    public long position() {
        return position;
    }

    /** Stream offset one past the last byte that arrived (captured or not). */
    public long end() {
        return end;
    }

    /** Bytes passed over without being parsed: not captured, or dropped as too many to keep. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Adds a segment of this direction; parts before the end of what arrived already are ignored. */
    public void append(Segment s) {
        if (s.end() <= end) {
            return;
        }
        if (s.offset() > end) {
            add(end, null, s.offset() - end, s);
        }
        int head = s.visible() ? s.head().length : 0;
        int tail = s.visible() ? s.tail().length : 0;
        add(s.offset(), s.head(), head, s);
        add(s.offset() + head, null, s.count() - head - tail, s);
        add(s.end() - tail, s.tail(), tail, s);
        trimToBound();
    }

    private void add(long start, byte[] bytes, long length, Segment s) {
        long from = Math.max(start, Math.max(end, position));
        long to = start + length;
        if (to <= from) {
            end = Math.max(end, to);
            return;
        }
        byte[] part = null;
        if (bytes != null) {
            part = Arrays.copyOfRange(bytes, (int) (from - start), (int) (to - start));
            buffered += part.length;
        }
        chunks.addLast(new Chunk(from, part, to - from, s.offset(), s.firstByteNs(), s.lastByteNs(), s.tcpSeq()));
        end = to;
    }

    private void trimToBound() {
        if (buffered <= MAX_BUFFERED) {
            return;
        }
        ArrayDeque<Chunk> kept = new ArrayDeque<>();
        for (Chunk chunk : chunks) {
            if (buffered > MAX_BUFFERED && chunk.bytes() != null) {
                buffered -= chunk.bytes().length;
                chunk = new Chunk(chunk.start(), null, chunk.length(), chunk.segmentOffset(), chunk.firstNs(),
                        chunk.lastNs(), chunk.seq());
            }
            kept.addLast(chunk);
        }
        chunks.clear();
        chunks.addAll(kept);
        lastFound = null;
    }

    /** Captured bytes available without a break from the position on (0 when the next byte is not captured or not here). */
    public int knownAhead() {
        long known = 0;
        long at = position;
        for (Chunk chunk : chunks) {
            if (chunk.end() <= at) {
                continue;
            }
            if (chunk.bytes() == null || chunk.start() > at) {
                break;
            }
            known += chunk.end() - at;
            at = chunk.end();
        }
        return (int) Math.min(known, Integer.MAX_VALUE);
    }

    /** True when the next byte arrived but was not captured. */
    public boolean atUncaptured() {
        Chunk chunk = chunkAt(position);
        return chunk != null && chunk.bytes() == null;
    }

    /**
     * The byte at {@code position() + relative}, 0–255. Any byte that arrived captured and is not consumed can be read,
     * also one past a stretch not captured (in a segment's tail); {@link #knownAhead()} tells how many can be read
     * without a break.
     *
     * @throws IllegalStateException when that byte was not captured or has not arrived
     */
    public int byteAt(long relative) {
        long at = position + relative;
        Chunk chunk = chunkAt(at);
        if (chunk == null || chunk.bytes() == null) {
            throw new IllegalStateException("byte " + at + " was not captured (ask knownAhead() first)");
        }
        return chunk.bytes()[(int) (at - chunk.start())] & 0xFF;
    }

    /** {@code length} bytes from {@code position() + relative}, each of which must be readable by {@link #byteAt}. */
    public byte[] bytes(long relative, int length) {
        long at = position + relative;
        Chunk chunk = chunkAt(at);
        if (chunk != null && chunk.bytes() != null && at + length <= chunk.end()) {
            // one chunk holds them all: the usual case, a message within one segment's head
            int from = (int) (at - chunk.start());
            return Arrays.copyOfRange(chunk.bytes(), from, from + length);
        }
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) byteAt(relative + i);
        }
        return out;
    }

    /**
     * Where {@code needle} starts in the captured bytes ahead, relative to the position, searching from {@code from};
     * -1 when it is not within {@link #knownAhead()} (yet).
     */
    public int indexOf(byte[] needle, int from) {
        return indexOf(needle, from, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #indexOf(byte[], int)}, but only a needle that ends within the first {@code limit} bytes ahead is
     * found: a parser that gives up on longer lines or heads need not scan what it would refuse anyway.
     */
    public int indexOf(byte[] needle, int from, int limit) {
        int last = Math.min(knownAhead(), limit) - needle.length;
        int i = Math.max(0, from);
        if (needle.length == 0) {
            return i <= last ? i : -1;
        }
        while (i <= last) {
            // the candidates in the chunk of byte i, scanned for the needle's first byte in its array
            Chunk chunk = chunkAt(position + i);
            byte[] bytes = chunk.bytes();
            int base = (int) (position + i - chunk.start());
            int candidates = (int) Math.min(chunk.end() - (position + i), last - i + 1);
            for (int k = 0; k < candidates; k++) {
                if (bytes[base + k] == needle[0] && startsAt(i + k, needle)) {
                    return i + k;
                }
            }
            i += candidates;
        }
        return -1;
    }

    /** Whether {@code needle} is at {@code relative}, its bytes known (they may span chunks). */
    private boolean startsAt(int relative, byte[] needle) {
        for (int j = 1; j < needle.length; j++) {
            if (byteAt(relative + j) != (needle[j] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many of the next {@code wanted} bytes can be read now: all of them once they arrived, fewer when the capture
     * cut them (a stretch not captured follows the captured ones), or -1 while the rest is still to come.
     */
    public int readable(long wanted) {
        int known = knownAhead();
        if (known >= wanted) {
            return (int) wanted;
        }
        return position + known < end ? known : -1;
    }

    /** Consumes {@code n} bytes, also past what arrived: bytes not yet here are dropped when they come. */
    public void consume(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot consume " + n + " bytes");
        }
        position += n;
        dropConsumed();
    }

    /** Passes over the bytes ahead that were not captured, up to the next captured byte; returns how many. */
    public long skipUncaptured() {
        long skipped = 0;
        Chunk chunk = chunkAt(position);
        while (chunk != null && chunk.bytes() == null) {
            skipped += chunk.end() - position;
            position = chunk.end();
            chunk = chunkAt(position);
        }
        skippedBytes += skipped;
        dropConsumed();
        return skipped;
    }

    /** Passes over every byte that arrived, captured or not (a parser that gave up on the rest); returns how many. */
    public long skipAll() {
        long skipped = Math.max(0, end - position);
        skippedBytes += skipped;
        position = Math.max(position, end);
        dropConsumed();
        return skipped;
    }

    /** When the byte at {@code position() + relative} was seen: its segment's first-byte time for its first byte, else its last-byte time. */
    public long timeAt(long relative) {
        Chunk chunk = chunkAt(position + relative);
        if (chunk == null) {
            return chunks.isEmpty() ? 0 : chunks.peekLast().lastNs();
        }
        return position + relative == chunk.segmentOffset() ? chunk.firstNs() : chunk.lastNs();
    }

    /** The TCP sequence number of the byte at {@code position() + relative}, or -1 when unknown. */
    public long seqAt(long relative) {
        Chunk chunk = chunkAt(position + relative);
        if (chunk == null || chunk.seq() < 0) {
            return -1;
        }
        return (chunk.seq() + (position + relative - chunk.segmentOffset())) & 0xFFFF_FFFFL;
    }

    private Chunk chunkAt(long at) {
        Chunk last = lastFound;
        if (last != null && last.start() <= at && at < last.end()) {
            return last;
        }
        for (Chunk chunk : chunks) {
            if (chunk.start() <= at && at < chunk.end()) {
                lastFound = chunk;
                return chunk;
            }
            if (chunk.start() > at) {
                return null;
            }
        }
        return null;
    }

    private void dropConsumed() {
        Iterator<Chunk> it = chunks.iterator();
        while (it.hasNext()) {
            Chunk chunk = it.next();
            if (chunk.end() > position) {
                break;
            }
            if (chunk.bytes() != null) {
                buffered -= chunk.bytes().length;
            }
            it.remove();
            if (chunk == lastFound) {
                lastFound = null;
            }
        }
    }

    public void writeState(DataOutput out) throws IOException {
        out.writeLong(position);
        out.writeLong(end);
        out.writeLong(skippedBytes);
        out.writeInt(chunks.size());
        for (Chunk chunk : chunks) {
            out.writeLong(chunk.start());
            StateIO.writeBytes(out, chunk.bytes());
            out.writeLong(chunk.length());
            out.writeLong(chunk.segmentOffset());
            out.writeLong(chunk.firstNs());
            out.writeLong(chunk.lastNs());
            out.writeLong(chunk.seq());
        }
    }

    public static DirectionStream readState(DataInput in) throws IOException {
        DirectionStream stream = new DirectionStream();
        stream.position = in.readLong();
        stream.end = in.readLong();
        stream.skippedBytes = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > 1_000_000) {
            throw new IOException("corrupt stream state: " + count + " chunks");
        }
        for (int i = 0; i < count; i++) {
            Chunk chunk = new Chunk(in.readLong(), StateIO.readBytes(in), in.readLong(), in.readLong(), in.readLong(),
                    in.readLong(), in.readLong());
            if (chunk.bytes() != null) {
                stream.buffered += chunk.bytes().length;
            }
            stream.chunks.addLast(chunk);
        }
        return stream;
    }
}
