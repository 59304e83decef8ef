package io.tapwire.collector.bpf;

import java.nio.ByteBuffer;

/**
 * Decodes {@code struct tapwire_tcp_event} by fixed offsets, mirrored from
 * bpf/src/main/bpf/tapwire_events.h (pinned there by _Static_asserts): change both together.
 */
final class TcpEventDecoder {

    static final int SOCKET_INO = 48;
    static final int HANDSHAKE_NS = 56;
    static final int BYTES_ACKED = 64;
    static final int BYTES_RECEIVED = 72;
    static final int SADDR = 80;
    static final int DADDR = 96;
    static final int FAMILY = 112;
    static final int SPORT = 114;
    static final int DPORT = 116;
    static final int ROLE = 118;
    static final int STATE = 119;
    static final int FD = 120;
    static final int ERROR = 124;
    static final int SRTT_US = 128;
    static final int TOTAL_RETRANS = 132;
    static final int SEGMENTS = 136;
    static final int FLAGS = 140;
    /** The task's process start time in USER_HZ ticks (the group leader's, as /proc/&lt;pid&gt;/stat field 22). */
    static final int START_TICKS = 144;
    /** sizeof(struct tapwire_tcp_event). */
    static final int SIZE = 152;

    static final int FLAG_OWNER_UNKNOWN = 0x1;

    private TcpEventDecoder() {
    }

    /** @param record a checked record of one of the TCP types */
    static TcpEvent decode(EventType type, ByteBuffer record) {
        boolean ownerKnown = (record.getInt(FLAGS) & FLAG_OWNER_UNKNOWN) == 0;
        return new TcpEvent(
                type,
                RecordFields.ktimeNs(record),
                ownerKnown ? RecordFields.task(record) : KernelTask.UNKNOWN,
                ownerKnown ? record.getLong(START_TICKS) : 0,
                ownerKnown,
                record.getLong(SOCKET_INO),
                TcpRole.ofCode(Byte.toUnsignedInt(record.get(ROLE))),
                endpoints(record),
                TcpState.ofCode(Byte.toUnsignedInt(record.get(STATE))),
                record.getInt(FD),
                record.getLong(HANDSHAKE_NS),
                record.getInt(ERROR),
                record.getLong(BYTES_ACKED),
                record.getLong(BYTES_RECEIVED),
                record.getInt(SRTT_US),
                Integer.toUnsignedLong(record.getInt(TOTAL_RETRANS)),
                record.getInt(SEGMENTS));
    }

    private static TcpEndpoints endpoints(ByteBuffer record) {
        return RecordFields.endpoints(record, FAMILY, SADDR, SPORT, DADDR, DPORT);
    }
}
