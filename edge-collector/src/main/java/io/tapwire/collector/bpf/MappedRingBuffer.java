package io.tapwire.collector.bpf;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One BPF ring buffer map read through its memory-mapped pages, the way libbpf's {@code ringbuf.c} reads it but with
 * no native call and no upcall per record (libbpf's callback into Java cost ≈ 190 ns a record, JnaUpcallBenchmark).
 *
 * <p>The kernel's layout ({@code kernel/bpf/ringbuf.c}): page 0 holds the consumer position, the only page user space
 * may write; page 1 the producer position; the data pages follow and are mapped twice in a row, so a record that
 * starts near the end of the ring continues past it in memory and never has to be reassembled. Each record starts
 * with an 8-byte header: its length in the low 30 bits, a BUSY bit while the program that reserved it has not yet
 * committed or discarded it, a DISCARD bit when it discarded it; the next record starts at the length plus the header
 * rounded up to 8 bytes. Positions only grow; a position's offset in the ring is the position masked by the ring's
 * size. The positions and headers are read with acquire and the consumer position written with release semantics,
 * pairing with the kernel's {@code smp_store_release}/{@code smp_load_acquire}.
 *
 * <p>Every access goes through a bounds-checked {@link ByteBuffer} and a record is copied only after its length was
 * checked against the largest the reader accepts: odd data in the ring fails a drain with an exception, never with a
 * read outside the mapping.
 *
 * <p>Not thread-safe: drain and close from one thread.
 */
final class MappedRingBuffer implements AutoCloseable {

    private static final int BPF_MAP_TYPE_RINGBUF = 27;
    private static final int MAP_INFO_SIZE = 40;
    private static final int MAP_INFO_TYPE = 0;
    private static final int MAP_INFO_MAX_ENTRIES = 16;

    private static final int BUSY_BIT = 1 << 31;
    private static final int DISCARD_BIT = 1 << 30;
    private static final int HEADER_SIZE = 8;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final String name;
    private final int maxRecordSize;
    private final long mask;
    private final int dataOffset;
    private final long consumerAddress;
    private final long consumerLength;
    private final long producerAddress;
    private final long producerLength;
    /** The consumer position: the one page user space writes. */
    private final ByteBuffer consumerPage;
    /** The producer position at 0, the data from {@link #dataOffset}; read-only. */
    private final ByteBuffer producerPages;
    private boolean closed;

    private MappedRingBuffer(String name, int maxRecordSize, long ringSize, int pageSize, long consumerAddress,
                             long producerAddress, long producerLength) {
        this.name = name;
        this.maxRecordSize = maxRecordSize;
        this.mask = ringSize - 1;
        this.dataOffset = pageSize;
        this.consumerAddress = consumerAddress;
        this.consumerLength = pageSize;
        this.producerAddress = producerAddress;
        this.producerLength = producerLength;
        this.consumerPage = new Pointer(consumerAddress).getByteBuffer(0, pageSize).order(ByteOrder.nativeOrder());
        this.producerPages = new Pointer(producerAddress).getByteBuffer(0, producerLength).asReadOnlyBuffer()
                .order(ByteOrder.nativeOrder());
    }

    /**
     * Maps the ring buffer behind {@code mapFd}.
     *
     * @param name          names the map in errors
     * @param maxRecordSize the largest record accepted; a larger one fails {@link #drain} (and is skipped)
     */
    static MappedRingBuffer map(String name, int mapFd, int maxRecordSize) {
        Memory info = new Memory(MAP_INFO_SIZE);
        info.clear();
        Memory infoLength = new Memory(4);
        infoLength.setInt(0, MAP_INFO_SIZE);
        LibBpfException.check("bpf_obj_get_info_by_fd(" + name + ")",
                LibBpf.bpf_obj_get_info_by_fd(mapFd, info, infoLength));
        if (info.getInt(MAP_INFO_TYPE) != BPF_MAP_TYPE_RINGBUF) {
            throw new IllegalArgumentException(name + " is not a ring buffer map (type " + info.getInt(MAP_INFO_TYPE) + ")");
        }
        long ringSize = Integer.toUnsignedLong(info.getInt(MAP_INFO_MAX_ENTRIES));
        int pageSize = (int) LibC.pageSize();
        // The double mapping is only needed as far as the longest record accepted can reach past the ring's end.
        long reach = Math.min(ringSize, roundUp(maxRecordSize + (long) HEADER_SIZE, pageSize));
        long producerLength = pageSize + ringSize + reach;
        if (producerLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": a ring buffer of " + ringSize + " bytes is too large to map");
        }
        long consumer = LibC.mmap(0, pageSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, mapFd, 0);
        if (consumer == LibC.MAP_FAILED) {
            throw new LibBpfException("mmap(" + name + ", consumer page)", Native.getLastError());
        }
        long producer = LibC.mmap(0, producerLength, LibC.PROT_READ, LibC.MAP_SHARED, mapFd, pageSize);
        if (producer == LibC.MAP_FAILED) {
            int errno = Native.getLastError();
            LibC.munmap(consumer, pageSize);
            throw new LibBpfException("mmap(" + name + ", producer and data pages)", errno);
        }
        return new MappedRingBuffer(name, maxRecordSize, ringSize, pageSize, consumer, producer, producerLength);
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /**
     * Hands every committed record to {@code handler}, in order, until the ring is empty or a record is still being
     * written; discarded records are skipped. Each record is copied into {@code buffer} and shown through
     * {@code view} (which wraps {@code buffer}: positioned at 0, limited to the record's length).
     *
     * @return the number of records handled
     * @throws IllegalStateException a record longer than the largest accepted (skipped, the ones after it stay), or a
     *                               header that runs past the producer position (what was written is skipped)
     * @throws RuntimeException      or Error: what the handler threw; that record counts as read
     */
    int drain(byte[] buffer, ByteBuffer view, RingBufferPoller.RecordHandler handler) {
        long consumer = (long) LONG.getAcquire(consumerPage, 0);
        int handled = 0;
        boolean readSome;
        do {
            readSome = false;
            long producer = (long) LONG.getAcquire(producerPages, 0);
            while (consumer < producer) {
                int at = dataOffset + (int) (consumer & mask);
                int header = (int) INT.getAcquire(producerPages, at);
                if ((header & BUSY_BIT) != 0) {
                    return handled;
                }
                readSome = true;
                int length = header & ~(BUSY_BIT | DISCARD_BIT);
                long next = consumer + ((length + HEADER_SIZE + 7L) & ~7L);
                if (next > producer) {
                    LONG.setRelease(consumerPage, 0, producer);
                    throw new IllegalStateException("record header at position " + consumer + " of " + name
                            + " claims " + length + " bytes, past the producer position " + producer
                            + "; skipped what was written");
                }
                consumer = next;
                try {
                    if ((header & DISCARD_BIT) == 0) {
                        if (length > maxRecordSize) {
                            throw new IllegalStateException("record of " + length + " bytes in " + name
                                    + " exceeds the expected maximum of " + maxRecordSize);
                        }
                        producerPages.get(at + HEADER_SIZE, buffer, 0, length);
                        view.clear().limit(length);
                        handler.onRecord(view);
                        handled++;
                    }
                } finally {
                    // Per record, as libbpf does: the kernel wakes the reader only for a record committed at the
                    // consumer position, so the position must be current before a BUSY record ends a drain.
                    LONG.setRelease(consumerPage, 0, consumer);
                }
            }
        } while (readSome);
        return handled;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.munmap(producerAddress, producerLength);
            LibC.munmap(consumerAddress, consumerLength);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
