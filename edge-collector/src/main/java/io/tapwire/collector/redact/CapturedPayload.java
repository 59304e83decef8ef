package io.tapwire.collector.redact;

/**
 * The bytes the kernel kept of one socket read or write, placed in the syscall's data: the head covers positions
 * {@code [0, headLength)}, the tail {@code [tailStart, count)}; positions in between (when {@code count > headLength
 * + tailLength}) were not seen. A rule walks the data by position and masks by position, so a message whose length
 * field points past the head lands correctly in the tail, or in the unseen part.
 *
 * <p>Masking writes {@link #MASK} in place and counts the bytes it changed, so two rules masking the same byte count
 * it once. Lengths the caller got wrong are clamped here, once, so no rule can index out of bounds: a length
 * outside its array is cut to the array, and a count smaller than head plus tail is taken as head plus tail (the tail
 * right after the head).
 */
final class CapturedPayload {

    static final byte MASK = '*';

    private final byte[] head;
    private final int headLength;
    private final byte[] tail;
    private final int tailLength;
    private final long count;
    private final long tailStart;
    private int masked;

    CapturedPayload(long count, byte[] head, int headLength, byte[] tail, int tailLength) {
        this.head = head == null ? new byte[0] : head;
        this.headLength = Math.max(0, Math.min(headLength, this.head.length));
        this.tail = tail == null ? new byte[0] : tail;
        this.tailLength = Math.max(0, Math.min(tailLength, this.tail.length));
        this.count = Math.max(count, (long) this.headLength + this.tailLength);
        this.tailStart = this.count - this.tailLength;
    }

    byte[] head() {
        return head;
    }

    int headLength() {
        return headLength;
    }

    byte[] tail() {
        return tail;
    }

    int tailLength() {
        return tailLength;
    }

    /** Bytes in the syscall's data. */
    long count() {
        return count;
    }

    /** Position of the tail's first byte in the syscall's data. */
    long tailStart() {
        return tailStart;
    }

    /** True when there is a tail and no byte between head and tail went unseen. */
    boolean tailFollowsHead() {
        return tailLength > 0 && tailStart == headLength;
    }

    /** The byte at {@code position} of the syscall's data (0 to 255), or -1 when the capture did not keep it. */
    int byteAt(long position) {
        if (position >= 0 && position < headLength) {
            return head[(int) position] & 0xFF;
        }
        if (position >= tailStart && position < count) {
            return tail[(int) (position - tailStart)] & 0xFF;
        }
        return -1;
    }

    /** Masks the kept bytes among positions {@code [from, to)} of the syscall's data, in head and tail. */
    void mask(long from, long to) {
        if (from < headLength && to > 0) {
            maskHead((int) Math.max(from, 0), (int) Math.min(to, headLength));
        }
        if (from < count && to > tailStart) {
            maskTail((int) (Math.max(from, tailStart) - tailStart), (int) (Math.min(to, count) - tailStart));
        }
    }

    /** Masks head indexes {@code [from, to)}, cut to the head. */
    void maskHead(int from, int to) {
        masked += fill(head, Math.max(from, 0), Math.min(to, headLength));
    }

    /** Masks tail indexes {@code [from, to)}, cut to the tail. */
    void maskTail(int from, int to) {
        masked += fill(tail, Math.max(from, 0), Math.min(to, tailLength));
    }

    /** Bytes changed to {@link #MASK} so far. */
    int masked() {
        return masked;
    }

    private static int fill(byte[] bytes, int from, int to) {
        int changed = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] != MASK) {
                bytes[i] = MASK;
                changed++;
            }
        }
        return changed;
    }

    @Override
    public String toString() {
        return "CapturedPayload[count=" + count + ", head=" + headLength + ", tail=" + tailLength + " at " + tailStart
                + ", masked=" + masked + "]";
    }
}
