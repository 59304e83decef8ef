package io.tapwire.collector.bpf;

import java.nio.ByteBuffer;
import java.util.OptionalLong;

/**
 * Decodes {@code struct tapwire_process_event} (START, EXIT, OOM_KILL) and {@code struct
 * tapwire_exec_event} (EXEC) by fixed offsets. The offsets mirror bpf/src/main/bpf/tapwire_events.h,
 * where _Static_asserts pin them: change both together.
 */
final class ProcessEventDecoder {

    static final int START_TICKS = 48;
    static final int PPID = 56;
    static final int UID = 60;
    static final int EXIT_CODE = 64;
    static final int FLAGS = 68;
    static final int OOM_RSS_BYTES = 72;
    /** sizeof(struct tapwire_process_event). */
    static final int SIZE = 80;

    static final int FILENAME_LEN = 80;
    static final int FILENAME = 88;
    static final int FILENAME_CAPACITY = 256;
    /** sizeof(struct tapwire_exec_event). */
    static final int EXEC_SIZE = 344;

    static final int FLAG_EXEC_FILENAME_TRUNCATED = 0x1;
    static final int FLAG_OOM_VICTIM_NOT_CURRENT = 0x2;
    static final int FLAG_OOM_RSS_UNKNOWN = 0x4;

    private ProcessEventDecoder() {
    }

    /** @param record a checked record of one of the four process types */
    static KernelEvent decode(EventType type, ByteBuffer record) {
        long ktimeNs = RecordFields.ktimeNs(record);
        KernelTask task = RecordFields.task(record);
        long startTicks = record.getLong(START_TICKS);
        int ppid = record.getInt(PPID);
        int uid = record.getInt(UID);
        int flags = record.getInt(FLAGS);
        return switch (type) {
            case PROCESS_START -> new ProcessStartEvent(ktimeNs, task, startTicks, ppid, uid);
            case PROCESS_EXIT -> new ProcessExitEvent(ktimeNs, task, startTicks, ppid, uid, record.getInt(EXIT_CODE));
            case PROCESS_OOM_KILL -> new OomKillEvent(ktimeNs, task, startTicks, ppid, uid,
                    (flags & FLAG_OOM_RSS_UNKNOWN) != 0 ? OptionalLong.empty() : OptionalLong.of(record.getLong(OOM_RSS_BYTES)),
                    (flags & FLAG_OOM_VICTIM_NOT_CURRENT) == 0);
            case PROCESS_EXEC -> new ExecEvent(ktimeNs, task, startTicks, ppid, uid, filename(record),
                    (flags & FLAG_EXEC_FILENAME_TRUNCATED) != 0);
            default -> throw new IllegalArgumentException("not a process record: " + type);
        };
    }

    private static String filename(ByteBuffer record) {
        int length = record.getInt(FILENAME_LEN);
        if (length < 0 || length >= FILENAME_CAPACITY) {
            throw new IllegalArgumentException("exec record filename_len " + Integer.toUnsignedString(length)
                    + " exceeds its field");
        }
        return RecordFields.utf8(record, FILENAME, length);
    }
}
