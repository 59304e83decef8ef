package io.tapwire.collector.bpf;

import java.nio.ByteBuffer;

/**
 * Turns one ring-buffer record into its typed {@link KernelEvent}, by the event type every record
 * starts with. Fields are read at the fixed offsets of bpf/src/main/bpf/tapwire_events.h: no JNA
 * {@code Structure}, one small object per event.
 */
public final class KernelEventDecoder {

    private KernelEventDecoder() {
    }

    /**
     * @param record one record from the ring buffer, starting at index 0, in native byte order
     * @throws IllegalArgumentException if the record has an unknown type or is shorter than its type's struct
     */
    public static KernelEvent decode(ByteBuffer record) {
        EventType type = RecordFields.checkedType(record);
        return switch (type) {
            case PROCESS_EXEC, PROCESS_START, PROCESS_EXIT, PROCESS_OOM_KILL -> ProcessEventDecoder.decode(type, record);
            case TCP_LISTEN_OPEN, TCP_LISTEN_CLOSE, TCP_CONNECT_OK, TCP_CONNECT_FAILED, TCP_ACCEPT, TCP_CLOSE,
                    TCP_RETRANSMIT, TCP_STATS -> TcpEventDecoder.decode(type, record);
            case FILE_OPEN_WRITE -> FileEventDecoder.decode(record);
            case L7_PAYLOAD -> L7EventDecoder.decode(record);
        };
    }
}
