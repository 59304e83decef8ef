package io.tapwire.streams.l7.mysql;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The connection phase ("Connection Lifecycle"): the server speaks first with its greeting (sequence 0, protocol 10),
 * the client answers with its handshake response (sequence 1) or an SSLRequest, and the server replies with OK, ERR,
 * or more authentication rounds (AuthSwitchRequest 0xFE, AuthMoreData 0x01) until OK or ERR. Only then do commands
 * start, each at sequence 0.
 *
 * <p>It also keeps the capability flags that change the framing of responses: CLIENT_DEPRECATE_EOF (result sets
 * without their EOF packets) and CLIENT_QUERY_ATTRIBUTES (MySQL 8: COM_QUERY carries parameters before the text).
 * The handshake response's first 32 bytes, which hold them, are never masked by the collector. A connection the
 * capture joined later has no known flags: {@link #deprecateEof()} is then learnt from the first result set.
 */
final class MysqlHandshake {

    static final int UNKNOWN = -1;

    private static final int PROTOCOL_10 = 10;
    private static final long CLIENT_PROTOCOL_41 = 1 << 9;
    private static final long CLIENT_SSL = 1 << 11;
    private static final long CLIENT_DEPRECATE_EOF = 1 << 24;
    private static final long CLIENT_QUERY_ATTRIBUTES = 1 << 27;
    /** An SSLRequest is the handshake response's fixed part alone (4.1 layout). */
    private static final int SSL_REQUEST_LENGTH = 32;

    /** Where the connection stands. */
    enum Phase {
        /** Before the server's greeting. */
        GREETING,
        /** Between the greeting and the server's final OK or ERR. */
        AUTHENTICATING,
        /** Commands and their responses. */
        COMMANDS
    }

    private Phase phase = Phase.GREETING;
    private long serverCapabilities = UNKNOWN;
    private long clientCapabilities = UNKNOWN;
    private int deprecateEof = UNKNOWN;
    private boolean encrypted;

    Phase phase() {
        return phase;
    }

    /** True once the client asked for TLS: nothing more can be read. */
    boolean encrypted() {
        return encrypted;
    }

    /** 1 when result sets come without EOF packets, 0 when with them, {@link #UNKNOWN} when not known yet. */
    int deprecateEof() {
        return deprecateEof;
    }

    /** What a result set showed: an EOF packet after its column definitions, or none. */
    void learnDeprecateEof(boolean deprecated) {
        if (deprecateEof == UNKNOWN) {
            deprecateEof = deprecated ? 1 : 0;
        }
    }

    /** True when COM_QUERY payloads start with query attributes (MySQL 8.0.23+ with CLIENT_QUERY_ATTRIBUTES). */
    boolean queryAttributes() {
        return clientCapabilities != UNKNOWN && (effectiveCapabilities() & CLIENT_QUERY_ATTRIBUTES) != 0;
    }

    /** The capture began after the connection phase. */
    void joinedMidConnection() {
        phase = Phase.COMMANDS;
    }

    /** A packet from the server before commands began. */
    void serverPacket(MysqlPacket packet) {
        if (phase == Phase.GREETING) {
            if (packet.seq() == 0 && packet.u8(0) == PROTOCOL_10) {
                serverCapabilities = greetingCapabilities(packet);
                phase = Phase.AUTHENTICATING;
            } else if (packet.u8(0) != 0xFF) {
                // Not a greeting (a refusal would be an ERR): the capture joined a connection already set up.
                phase = Phase.COMMANDS;
            }
            return;
        }
        if (packet.u8(0) == 0x00) {
            phase = Phase.COMMANDS;
        }
    }

    /**
     * A packet from the client before commands began: the handshake response, an SSLRequest, or further auth data.
     * Returns false when it is the client's first command instead (sequence 0): the connection phase is over.
     */
    boolean clientPacket(MysqlPacket packet) {
        if (packet.seq() == 0) {
            phase = Phase.COMMANDS;
            return false;
        }
        if (packet.seq() == 1 && clientCapabilities == UNKNOWN) {
            long low = packet.u16(0);
            long capabilities = (low & CLIENT_PROTOCOL_41) != 0 ? packet.u32(0) : low;
            if (capabilities >= 0) {
                clientCapabilities = capabilities;
                deprecateEof = (effectiveCapabilities() & CLIENT_DEPRECATE_EOF) != 0 ? 1 : 0;
                encrypted = (capabilities & CLIENT_SSL) != 0 && packet.length() == SSL_REQUEST_LENGTH;
            }
            phase = Phase.AUTHENTICATING;
        }
        return true;
    }

    private long effectiveCapabilities() {
        return serverCapabilities == UNKNOWN ? clientCapabilities : clientCapabilities & serverCapabilities;
    }

    /**
     * Protocol 10 greeting: version (NUL-terminated), thread id (4), auth data (8), filler (1), capabilities low (2),
     * charset (1), status (2), capabilities high (2).
     */
    private static long greetingCapabilities(MysqlPacket packet) {
        int at = 1;
        while (packet.u8(at) > 0) {
            at++;
        }
        int flags = at + 1 + 4 + 8 + 1;
        int low = packet.u16(flags);
        int high = packet.u16(flags + 5);
        if (low < 0) {
            return UNKNOWN;
        }
        return high < 0 ? low : low | (long) high << 16;
    }

    void writeState(DataOutput out) throws IOException {
        out.writeByte(phase.ordinal());
        out.writeLong(serverCapabilities);
        out.writeLong(clientCapabilities);
        out.writeInt(deprecateEof);
        out.writeBoolean(encrypted);
    }

    static MysqlHandshake readState(DataInput in) throws IOException {
        int phase = in.readUnsignedByte();
        if (phase >= Phase.values().length) {
            throw new IOException("corrupt mysql parser state: connection phase " + phase);
        }
        MysqlHandshake handshake = new MysqlHandshake();
        handshake.phase = Phase.values()[phase];
        handshake.serverCapabilities = in.readLong();
        handshake.clientCapabilities = in.readLong();
        handshake.deprecateEof = in.readInt();
        handshake.encrypted = in.readBoolean();
        return handshake;
    }
}
