package io.tapwire.collector.bpf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads what every record shares: the checks that it is one of the expected type and size, the
 * struct tapwire_task header at offsets 0..47, and the kernel's strings.
 */
final class RecordFields {

    // struct tapwire_task (bpf/src/main/bpf/tapwire_events.h)
    static final int TYPE = 0;
    static final int PID = 4;
    static final int KTIME_NS = 8;
    static final int TID = 16;
    static final int NETNS_INO = 20;
    static final int CGROUP_ID = 24;
    static final int COMM = 32;
    static final int COMM_LEN = 16;
    static final int TASK_SIZE = 48;

    private RecordFields() {
    }

    /**
     * @return the record's type, after checking the buffer's byte order and that the record is as
     *         long as its type's struct
     */
    static EventType checkedType(ByteBuffer record) {
        if (record.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("record must be in native byte order, as the kernel wrote it");
        }
        if (record.limit() < TASK_SIZE) {
            throw new IllegalArgumentException("record of " + record.limit() + " bytes is shorter than its "
                    + TASK_SIZE + "-byte task header");
        }
        EventType type = EventType.ofCode(record.getInt(TYPE));
        if (record.limit() < type.recordSize()) {
            throw new IllegalArgumentException(type + " record needs " + type.recordSize() + " bytes, got "
                    + record.limit());
        }
        return type;
    }

    static long ktimeNs(ByteBuffer record) {
        return record.getLong(KTIME_NS);
    }

    static KernelTask task(ByteBuffer record) {
        return new KernelTask(
                record.getInt(PID),
                record.getInt(TID),
                comm(record),
                record.getLong(CGROUP_ID),
                Integer.toUnsignedLong(record.getInt(NETNS_INO)));
    }

    /*
     * Decoded comms and addresses, by their bytes: records repeat the same few of each, and decoding them again for
     * every record (a String, an InetAddress and their arrays) cost as much as the rest of a record's fields. The
     * tables are shared by the decoders on every thread; their entries are immutable, so a race costs one decode.
     */
    private static final int SLOT_BITS = 10;
    private static final int CACHE_SLOTS = 1 << SLOT_BITS;
    private static final CachedComm[] COMMS = new CachedComm[CACHE_SLOTS];
    private static final CachedAddress[] ADDRESSES = new CachedAddress[CACHE_SLOTS];

    private record CachedComm(long first, long second, String comm) {
    }

    private record CachedAddress(int length, long first, long second, InetAddress address) {
    }

    /** The 16-byte comm field, NUL-terminated or full. */
    private static String comm(ByteBuffer record) {
        long first = record.getLong(COMM);
        long second = record.getLong(COMM + Long.BYTES);
        int slot = slot(first, second);
        CachedComm cached = COMMS[slot];
        if (cached != null && cached.first() == first && cached.second() == second) {
            return cached.comm();
        }
        String comm = nulTerminated(record, COMM, COMM_LEN);
        COMMS[slot] = new CachedComm(first, second, comm);
        return comm;
    }

    private static int slot(long first, long second) {
        long mixed = (first * 0x9E37_79B9_7F4A_7C15L + second) * 0x9E37_79B9_7F4A_7C15L;
        return (int) (mixed >>> (Long.SIZE - SLOT_BITS));
    }

    /** A string that ends at its first NUL or at the field's end. */
    static String nulTerminated(ByteBuffer record, int offset, int capacity) {
        int length = 0;
        while (length < capacity && record.get(offset + length) != 0) {
            length++;
        }
        return utf8(record, offset, length);
    }

    /** Paths and comms are bytes to the kernel; bytes that are not UTF-8 become U+FFFD. */
    static String utf8(ByteBuffer record, int offset, int length) {
        byte[] bytes = new byte[length];
        record.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    /** A socket's addresses and ports: 4 or 16 address bytes in network order, by the family field. */
    static TcpEndpoints endpoints(ByteBuffer record, int family, int localAddress, int localPort, int remoteAddress,
                                  int remotePort) {
        int af = Short.toUnsignedInt(record.getShort(family));
        if (af != AF_INET && af != AF_INET6) {
            throw new IllegalArgumentException("socket record with address family " + af + " (expected 2 or 10)");
        }
        int addressLength = af == AF_INET6 ? 16 : 4;
        return new TcpEndpoints(
                af == AF_INET6,
                address(record, localAddress, addressLength),
                Short.toUnsignedInt(record.getShort(localPort)),
                address(record, remoteAddress, addressLength),
                Short.toUnsignedInt(record.getShort(remotePort)));
    }

    /** A 4- or 16-byte address at {@code offset}, from the table of decoded ones when it is there. */
    private static InetAddress address(ByteBuffer record, int offset, int length) {
        long first = length == 16 ? record.getLong(offset) : Integer.toUnsignedLong(record.getInt(offset));
        long second = length == 16 ? record.getLong(offset + Long.BYTES) : 0;
        int slot = slot(first, second);
        CachedAddress cached = ADDRESSES[slot];
        if (cached != null && cached.length() == length && cached.first() == first && cached.second() == second) {
            return cached.address();
        }
        InetAddress address = decodeAddress(record, offset, length);
        ADDRESSES[slot] = new CachedAddress(length, first, second, address);
        return address;
    }

    /** Addresses are in network order in the record; InetAddress wants exactly that. No DNS lookup happens. */
    private static InetAddress decodeAddress(ByteBuffer record, int offset, int length) {
        byte[] bytes = new byte[length];
        record.get(offset, bytes);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a " + length + "-byte address was refused", e);
        }
    }
}
