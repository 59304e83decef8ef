package io.tapwire.collector.redact;

/**
 * MySQL and MariaDB, client direction: masks the payload of the packets that authenticate. A command always starts
 * a new sequence at 0, so a client packet with a sequence id other than 0 belongs to the connection phase: the
 * handshake response (1), auth switch responses and further auth data (3, 5, ...). Of a handshake response of at
 * least 32 bytes in the 4.1 layout the first 32 bytes stay (capability flags, max packet size, charset, filler;
 * nothing secret, and an SSLRequest is exactly these 32 bytes, so it stays whole); user name, auth response,
 * database, plugin name and connection attributes are masked. A handshake response without CLIENT_PROTOCOL_41 (the
 * 3.20 layout puts the user name at byte 5) and every other packet with a sequence id other than 0 are masked whole.
 * COM_CHANGE_USER (command 0x11 at sequence 0) re-authenticates, so its payload after the command byte is masked too.
 *
 * <p>Packets are walked by their header (3-byte little-endian length + sequence id), in the head and on into the
 * tail, like {@link PostgresPasswordRedaction}: a payload running past the head is masked to the head's end and
 * where it reaches the tail's positions. A payload of 2^24 - 1 bytes continues in the next packet under the next
 * sequence id: the continuation of a command is left like the command. (LOAD DATA LOCAL file contents go out at
 * sequence ids above 0 and are masked like auth data.) The walk stops at a header that was not seen whole; what
 * follows is left alone then, since nothing known says it is secret.
 *
 * <p>Cost: one look at each packet header; no allocation.
 */
final class MysqlAuthRedaction implements Redaction {

    private static final int HEADER = 4;
    private static final int HANDSHAKE_SEQUENCE = 1;
    private static final int HANDSHAKE_FIXED_PART = 32;
    /** CLIENT_PROTOCOL_41 is bit 9 of the capability flags: bit 1 of their second (little-endian) byte. */
    private static final int PROTOCOL_41_IN_SECOND_BYTE = 0x02;
    private static final int COM_CHANGE_USER = 0x11;
    private static final long MAX_PAYLOAD = 0xFFFFFF;

    @Override
    public void redact(CapturedPayload payload) {
        long position = 0;
        boolean continuesCommand = false;
        while (position < payload.count()) {
            int b0 = payload.byteAt(position);
            int b1 = payload.byteAt(position + 1);
            int b2 = payload.byteAt(position + 2);
            int sequence = payload.byteAt(position + 3);
            if (b0 < 0 || b1 < 0 || b2 < 0 || sequence < 0) {
                return;
            }
            long length = b0 | b1 << 8 | b2 << 16;
            long start = position + HEADER;
            long end = start + length;
            boolean partOfCommand = continuesCommand || sequence == 0;
            if (!partOfCommand) {
                maskAuthPacket(payload, sequence, length, start, end);
            } else if (!continuesCommand && length > 0 && payload.byteAt(start) == COM_CHANGE_USER) {
                payload.mask(start + 1, end);
            }
            continuesCommand = partOfCommand && length == MAX_PAYLOAD;
            position = end;
        }
    }

    private static void maskAuthPacket(CapturedPayload payload, int sequence, long length, long start, long end) {
        if (sequence == HANDSHAKE_SEQUENCE && length >= HANDSHAKE_FIXED_PART && hasProtocol41(payload, start)) {
            payload.mask(start + HANDSHAKE_FIXED_PART, end);
        } else {
            payload.mask(start, end);
        }
    }

    private static boolean hasProtocol41(CapturedPayload payload, long payloadStart) {
        int second = payload.byteAt(payloadStart + 1);
        return second >= 0 && (second & PROTOCOL_41_IN_SECOND_BYTE) != 0;
    }
}
