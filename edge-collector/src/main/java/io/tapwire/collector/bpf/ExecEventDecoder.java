package io.tapwire.collector.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Decodes {@code struct tapwire_exec_event} by fixed offsets. The offsets mirror
 * bpf/src/main/bpf/tapwire_events.h, where _Static_asserts pin them: change both together.
 */
public final class ExecEventDecoder {

    /** TAPWIRE_EVENT_PROCESS_EXEC: the record's first u32, and its key in the drops map. */
    public static final int EVENT_TYPE = 1;
    /** sizeof(struct tapwire_exec_event). */
    public static final int SIZE = 320;

    static final int TYPE = 0;
    static final int PID = 4;
    static final int KTIME_NS = 8;
    static final int TID = 16;
    static final int PPID = 20;
    static final int CGROUP_ID = 24;
    static final int START_TICKS = 32;
    static final int NETNS_INO = 40;
    static final int FILENAME_LEN = 44;
    static final int FLAGS = 46;
    static final int COMM = 48;
    static final int COMM_LEN = 16;
    static final int FILENAME = 64;
    static final int FILENAME_CAPACITY = 256;
    static final int FLAG_FILENAME_TRUNCATED = 0x1;

    private ExecEventDecoder() {
    }

    /**
     * @param record one record from the ring buffer, starting at index 0, in native byte order
     * @throws IllegalArgumentException if it is not a complete exec record
     */
    public static ExecEvent decode(ByteBuffer record) {
        if (record.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("record must be in native byte order, as the kernel wrote it");
        }
        if (record.limit() < SIZE) {
            throw new IllegalArgumentException("exec record needs " + SIZE + " bytes, got " + record.limit());
        }
        int type = record.getInt(TYPE);
        if (type != EVENT_TYPE) {
            throw new IllegalArgumentException("not an exec record: event type " + type);
        }
        int filenameLength = Short.toUnsignedInt(record.getShort(FILENAME_LEN));
        if (filenameLength >= FILENAME_CAPACITY) {
            throw new IllegalArgumentException("exec record filename_len " + filenameLength + " exceeds its field");
        }
        int flags = Short.toUnsignedInt(record.getShort(FLAGS));
        return new ExecEvent(
                record.getLong(KTIME_NS),
                record.getInt(PID),
                record.getInt(TID),
                record.getInt(PPID),
                record.getLong(CGROUP_ID),
                record.getLong(START_TICKS),
                Integer.toUnsignedLong(record.getInt(NETNS_INO)),
                string(record, COMM, nulTerminatedLength(record, COMM, COMM_LEN)),
                string(record, FILENAME, filenameLength),
                (flags & FLAG_FILENAME_TRUNCATED) != 0);
    }

    private static int nulTerminatedLength(ByteBuffer record, int offset, int capacity) {
        int length = 0;
        while (length < capacity && record.get(offset + length) != 0) {
            length++;
        }
        return length;
    }

    /** Paths and comms are bytes to the kernel; bytes that are not UTF-8 become U+FFFD. */
    private static String string(ByteBuffer record, int offset, int length) {
        byte[] bytes = new byte[length];
        record.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
