package io.tapwire.streams.dedup;

import java.nio.ByteBuffer;

/**
 * Which sequence numbers of one block of {@link #SIZE} consecutive ones (of one node and boot) a partition has seen,
 * and the newest event time among them: the unit the deduplication stores, so that a store write covers many
 * records instead of one. Encoded as the time (8 bytes, big-endian) followed by the bitmap.
 */
final class SeenBlock {

    /** Sequence numbers per block: a node at 10k events/s fills one in a tenth of a second. */
    static final int SIZE = 1024;
    private static final int WORDS = SIZE / Long.SIZE;
    static final int ENCODED_BYTES = Long.BYTES + WORDS * Long.BYTES;

    private final long[] bits;
    private long newestTime;

    private SeenBlock(long[] bits, long newestTime) {
        this.bits = bits;
        this.newestTime = newestTime;
    }

    static SeenBlock empty() {
        return new SeenBlock(new long[WORDS], Long.MIN_VALUE);
    }

    /** The block a sequence number falls in. */
    static long blockOf(long seq) {
        return Math.floorDiv(seq, SIZE);
    }

    /** Marks {@code seq} seen at {@code time}; false if it was seen before. */
    boolean markSeen(long seq, long time) {
        int index = (int) Math.floorMod(seq, SIZE);
        long mask = 1L << (index & 63);
        int word = index >>> 6;
        newestTime = Math.max(newestTime, time);
        if ((bits[word] & mask) != 0) {
            return false;
        }
        bits[word] |= mask;
        return true;
    }

    long newestTime() {
        return newestTime;
    }

    byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(ENCODED_BYTES).putLong(newestTime);
        for (long word : bits) {
            buffer.putLong(word);
        }
        return buffer.array();
    }

    /** The block {@link #encode} wrote; a value of another length (a store written by another version) is refused. */
    static SeenBlock decode(byte[] bytes) {
        if (bytes.length != ENCODED_BYTES) {
            throw new IllegalStateException("a deduplication block of " + bytes.length + " bytes, expected " + ENCODED_BYTES);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long time = buffer.getLong();
        long[] bits = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            bits[i] = buffer.getLong();
        }
        return new SeenBlock(bits, time);
    }
}
