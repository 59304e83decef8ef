package io.tapwire.collector.bpf;

import java.nio.ByteBuffer;

/**
 * Decodes {@code struct tapwire_file_event} by fixed offsets, mirrored from
 * bpf/src/main/bpf/tapwire_events.h (pinned there by _Static_asserts): change both together.
 */
final class FileEventDecoder {

    static final int FD = 48;
    static final int OPEN_FLAGS = 52;
    static final int MODE = 56;
    static final int PATH_LEN = 60;
    static final int PATH_FLAGS = 62;
    static final int PATH = 64;
    static final int PATH_CAPACITY = 256;
    /** The task's process start time in USER_HZ ticks (the group leader's, as /proc/&lt;pid&gt;/stat field 22). */
    static final int START_TICKS = 320;
    /** sizeof(struct tapwire_file_event). */
    static final int SIZE = 328;

    static final int FLAG_PATH_TRUNCATED = 0x1;

    private FileEventDecoder() {
    }

    /** @param record a checked FILE_OPEN_WRITE record */
    static FileOpenEvent decode(ByteBuffer record) {
        int pathLength = Short.toUnsignedInt(record.getShort(PATH_LEN));
        if (pathLength >= PATH_CAPACITY) {
            throw new IllegalArgumentException("file record path_len " + pathLength + " exceeds its field");
        }
        return new FileOpenEvent(
                RecordFields.ktimeNs(record),
                RecordFields.task(record),
                record.getLong(START_TICKS),
                record.getInt(FD),
                record.getInt(OPEN_FLAGS),
                record.getInt(MODE),
                RecordFields.utf8(record, PATH, pathLength),
                (Short.toUnsignedInt(record.getShort(PATH_FLAGS)) & FLAG_PATH_TRUNCATED) != 0);
    }
}
