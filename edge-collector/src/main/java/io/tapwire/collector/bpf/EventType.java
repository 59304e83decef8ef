package io.tapwire.collector.bpf;

/**
 * The kernel's event types: the first u32 of every ring-buffer record, and the index of its
 * failed-reservation counter. Codes and sizes mirror {@code TAPWIRE_EVENT_*} and the structs of
 * bpf/src/main/bpf/tapwire_events.h.
 */
public enum EventType {
    PROCESS_EXEC(1, ProcessEventDecoder.EXEC_SIZE),
    PROCESS_START(2, ProcessEventDecoder.SIZE),
    PROCESS_EXIT(3, ProcessEventDecoder.SIZE),
    PROCESS_OOM_KILL(4, ProcessEventDecoder.SIZE),
    TCP_LISTEN_OPEN(5, TcpEventDecoder.SIZE),
    TCP_LISTEN_CLOSE(6, TcpEventDecoder.SIZE),
    TCP_CONNECT_OK(7, TcpEventDecoder.SIZE),
    TCP_CONNECT_FAILED(8, TcpEventDecoder.SIZE),
    TCP_ACCEPT(9, TcpEventDecoder.SIZE),
    TCP_CLOSE(10, TcpEventDecoder.SIZE),
    TCP_RETRANSMIT(11, TcpEventDecoder.SIZE),
    TCP_STATS(12, TcpEventDecoder.SIZE),
    FILE_OPEN_WRITE(13, FileEventDecoder.SIZE),
    /** Followed by its head and tail bytes: between {@code recordSize} and {@code maxRecordSize} bytes. */
    L7_PAYLOAD(14, L7EventDecoder.SIZE, L7EventDecoder.MAX_SIZE);

    /** TAPWIRE_EVENT_TYPE_COUNT: the size of the drops map. */
    static final int CODE_LIMIT = 16;

    private static final EventType[] BY_CODE = new EventType[CODE_LIMIT];

    static {
        for (EventType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final int recordSize;
    private final int largestRecordSize;

    EventType(int code, int recordSize) {
        this(code, recordSize, recordSize);
    }

    EventType(int code, int recordSize, int largestRecordSize) {
        this.code = code;
        this.recordSize = recordSize;
        this.largestRecordSize = largestRecordSize;
    }

    /** TAPWIRE_EVENT_*. */
    public int code() {
        return code;
    }

    /** sizeof the kernel struct that carries this type: the shortest record of the type. */
    public int recordSize() {
        return recordSize;
    }

    /** The largest record any type has: what a poller over all ring buffers must hold. */
    public static int maxRecordSize() {
        int max = 0;
        for (EventType type : values()) {
            max = Math.max(max, type.largestRecordSize);
        }
        return max;
    }

    /** @throws IllegalArgumentException for a code the kernel side does not define */
    public static EventType ofCode(int code) {
        EventType type = code >= 0 && code < CODE_LIMIT ? BY_CODE[code] : null;
        if (type == null) {
            throw new IllegalArgumentException("unknown kernel event type " + code
                    + " (do bpf/src/main/bpf/tapwire_events.h and EventType still agree?)");
        }
        return type;
    }
}
