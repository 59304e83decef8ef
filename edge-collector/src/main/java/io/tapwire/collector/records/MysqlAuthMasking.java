package io.tapwire.collector.records;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Masks MySQL/MariaDB authentication packets on the client-to-server bytes of each connection, following the packet
 * framing by stream offset across reads and writes. A per-syscall rule is not enough: MariaDB's server reads a
 * packet's 4-byte header and its payload in two calls, so the payload's read starts mid-packet, and a rule that
 * takes every read for a packet start either masks commands (reading text as a header) or misses the handshake.
 *
 * <p>From the connection's first byte until the client's first command (the first packet with sequence id 0), the
 * payload of every client packet is masked, except the first 32 bytes of the handshake response (capabilities,
 * maximum packet size, character set: no secret) so that the stream parser can read the capability flags. Once the
 * first command starts, the connection is forgotten and costs nothing. A connection first seen after its start
 * (older than the collector) authenticated before: nothing to mask. If a packet header is not among the captured
 * bytes during authentication, the framing is lost and every later client byte of that connection is masked:
 * losing queries is better than leaking a credential.
 *
 * <p>Not thread-safe (the poll thread owns it). Bounded: at most {@link #MAX_CONNECTIONS} connections in
 * authentication at once; past that the oldest is forgotten (its later bytes then go unmasked, as for a connection
 * seen late).
 */
final class MysqlAuthMasking {

    static final int MAX_CONNECTIONS = 4096;
    private static final int HANDSHAKE_KEPT = 32;
    private static final byte MASK = '*';

    /** Where a connection's client-to-server stream stands. */
    private static final class Progress {
        long packetEnd;       // one past the current packet's payload: where the next header starts
        long keptUntil;       // bytes before this offset are not masked
        boolean lost;         // framing lost during authentication: mask everything
    }

    private final Map<Long, Progress> connections = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Progress> eldest) {
            return size() > MAX_CONNECTIONS;
        }
    };

    /**
     * Masks what belongs to authentication packets in one client-to-server read or write of a connection.
     *
     * @param connection the socket inode
     * @param offset     stream offset of the call's first byte
     * @param count      bytes the call moved
     * @param head       its first bytes; {@code tail} its last ones, covering {@code [count - tail.length, count)}
     * @return the number of bytes masked
     */
    int mask(long connection, long offset, long count, byte[] head, byte[] tail) {
        Progress p = connections.get(connection);
        if (p == null) {
            if (offset != 0) {
                return 0;
            }
            p = new Progress();
            connections.put(connection, p);
        }
        long end = offset + count;
        if (p.lost) {
            return mask(offset, head, tail, count, offset, end);
        }
        int masked = 0;
        long at = offset;
        while (at < end) {
            if (at < p.packetEnd) {
                long stop = Math.min(p.packetEnd, end);
                masked += mask(offset, head, tail, count, Math.max(at, p.keptUntil), stop);
                at = stop;
                continue;
            }
            int inHead = (int) (at - offset);
            if (at > p.packetEnd || inHead + 4 > head.length) {
                // The next header was in bytes the capture did not ship (a skipped call) or did not copy.
                p.lost = true;
                return masked + mask(offset, head, tail, count, at, end);
            }
            int length = (head[inHead] & 0xFF) | (head[inHead + 1] & 0xFF) << 8 | (head[inHead + 2] & 0xFF) << 16;
            int sequence = head[inHead + 3] & 0xFF;
            if (sequence == 0) {
                connections.remove(connection);
                return masked;
            }
            p.packetEnd = at + 4 + length;
            p.keptUntil = at + 4 + (sequence == 1 && length >= HANDSHAKE_KEPT ? HANDSHAKE_KEPT : 0);
            at += 4;
        }
        return masked;
    }

    /** Masks stream bytes [from, to) where head or tail holds them. */
    private static int mask(long offset, byte[] head, byte[] tail, long count, long from, long to) {
        int masked = 0;
        for (long at = Math.max(from, offset); at < to; at++) {
            long inCall = at - offset;
            if (inCall < head.length) {
                masked += maskByte(head, (int) inCall);
            } else if (inCall >= count - tail.length) {
                masked += maskByte(tail, (int) (inCall - (count - tail.length)));
            }
        }
        return masked;
    }

    private static int maskByte(byte[] bytes, int index) {
        if (bytes[index] == MASK) {
            return 0;
        }
        bytes[index] = MASK;
        return 1;
    }
}
