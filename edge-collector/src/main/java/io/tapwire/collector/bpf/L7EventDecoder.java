package io.tapwire.collector.bpf;

import java.nio.ByteBuffer;

import io.tapwire.collector.l7.L7Protocol;

/**
 * Decodes {@code struct tapwire_l7_event} and the head and tail bytes behind it by fixed offsets, mirrored from
 * bpf/src/main/bpf/tapwire_events.h (pinned there by _Static_asserts): change both together.
 */
final class L7EventDecoder {

    static final int SOCKET_INO = 48;
    static final int START_NS = 56;
    static final int STREAM_OFFSET = 64;
    static final int BYTE_COUNT = 72;
    static final int START_TICKS = 80;
    static final int SADDR = 88;
    static final int DADDR = 104;
    static final int FAMILY = 120;
    static final int SPORT = 122;
    static final int DPORT = 124;
    static final int ROLE = 126;
    static final int DIRECTION = 127;
    static final int TCP_SEQ = 128;
    static final int HEAD_LEN = 132;
    static final int TAIL_LEN = 136;
    static final int FLAGS = 140;
    static final int PROTOCOL = 142;
    static final int SYSCALL = 143;
    static final int FD = 144;
    static final int TRANSPORT = 148;
    /** sizeof(struct tapwire_l7_event): the head starts here. */
    static final int SIZE = 152;
    static final int MAX_SIZE = SIZE + L7BpfObject.HEAD_CAP + L7BpfObject.TAIL_CAP;

    static final int DIRECTION_SEND = 1;
    static final int TRANSPORT_UDP = 17;
    static final int FLAG_SIZE_ONLY = 0x2;
    static final int FLAG_SEQ_VALID = 0x4;
    static final int FLAG_IOV_LIMIT = 0x8;
    static final int FLAG_READ_FAILED = 0x10;
    static final int FLAG_ROLE_GUESSED = 0x20;

    /** TAPWIRE_L7_SYS_*, by value. */
    private static final String[] SYSCALLS = {"unknown", "read", "readv", "recvfrom", "recvmsg", "recvmmsg", "write",
        "writev", "sendto", "sendmsg", "sendmmsg", "sendfile", "splice"};

    private L7EventDecoder() {
    }

    /** @param record a checked L7_PAYLOAD record */
    static L7PayloadEvent decode(ByteBuffer record) {
        int headLength = record.getInt(HEAD_LEN);
        int tailLength = record.getInt(TAIL_LEN);
        if (headLength < 0 || tailLength < 0 || headLength > L7BpfObject.HEAD_CAP || tailLength > L7BpfObject.TAIL_CAP
                || SIZE + headLength + tailLength > record.limit()) {
            throw new IllegalArgumentException("L7 record of " + record.limit() + " bytes claims a head of "
                    + headLength + " and a tail of " + tailLength + " bytes");
        }
        byte[] head = new byte[headLength];
        byte[] tail = new byte[tailLength];
        record.get(SIZE, head);
        record.get(SIZE + headLength, tail);
        int flags = Short.toUnsignedInt(record.getShort(FLAGS));
        int syscall = Byte.toUnsignedInt(record.get(SYSCALL));
        return new L7PayloadEvent(
                RecordFields.ktimeNs(record),
                RecordFields.task(record),
                record.getLong(START_TICKS),
                record.getLong(SOCKET_INO),
                record.getLong(START_NS),
                record.getLong(STREAM_OFFSET),
                record.getLong(BYTE_COUNT),
                RecordFields.endpoints(record, FAMILY, SADDR, SPORT, DADDR, DPORT),
                TcpRole.ofCode(Byte.toUnsignedInt(record.get(ROLE))),
                record.get(DIRECTION) == DIRECTION_SEND,
                (flags & FLAG_SEQ_VALID) != 0 ? Integer.toUnsignedLong(record.getInt(TCP_SEQ)) : -1,
                L7Protocol.ofId(Byte.toUnsignedInt(record.get(PROTOCOL))),
                syscall < SYSCALLS.length ? SYSCALLS[syscall] : SYSCALLS[0],
                record.getInt(FD),
                Byte.toUnsignedInt(record.get(TRANSPORT)) == TRANSPORT_UDP,
                head,
                tail,
                (flags & FLAG_SIZE_ONLY) != 0,
                (flags & FLAG_IOV_LIMIT) != 0,
                (flags & FLAG_READ_FAILED) != 0,
                (flags & FLAG_ROLE_GUESSED) != 0);
    }
}
