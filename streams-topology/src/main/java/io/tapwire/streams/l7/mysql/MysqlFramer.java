package io.tapwire.streams.l7.mysql;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.HeaderResynchroniser;

/**
 * Packet boundaries in one direction of a MySQL/MariaDB connection ("MySQL Packets"): a 3-byte little-endian payload
 * length and a 1-byte sequence id, then the payload. A command starts a new sequence at 0 and every further packet of
 * the exchange, in either direction, takes the next id; a payload of 2^24 - 1 bytes continues in the next packet.
 *
 * <p>The header alone says little (any length is possible), so after lost boundaries {@link #startsChain} trusts a
 * candidate only when the packets that follow it chain on with consecutive sequence ids (a client's commands each at
 * 0, with a known command byte) up to where the captured bytes end.
 */
final class MysqlFramer {

    /** What {@link #read} found at the stream's position. */
    enum Result {
        /** A header: {@link #length()} and {@link #seq()} describe the packet. */
        PACKET,
        /** The header has not fully arrived yet. */
        WAIT,
        /** The header was not captured: the boundaries are lost. */
        LOST
    }

    static final int MAX_PAYLOAD = 0xFFFFFF;
    /** A lone candidate packet that runs past the captured bytes is only believed this long. */
    private static final int SINGLE_CANDIDATE_MAX = 1 << 20;

    private final boolean clientSide;
    private int length;
    private int seq;

    private MysqlFramer(boolean clientSide) {
        this.clientSide = clientSide;
    }

    static MysqlFramer client() {
        return new MysqlFramer(true);
    }

    static MysqlFramer server() {
        return new MysqlFramer(false);
    }

    /** The payload length of the packet {@link #read} found. */
    int length() {
        return length;
    }

    /** The sequence id of the packet {@link #read} found. */
    int seq() {
        return seq;
    }

    Result read(DirectionStream stream) {
        if (stream.atUncaptured()) {
            return Result.LOST;
        }
        int known = stream.knownAhead();
        if (known < MysqlPacket.HEADER) {
            return stream.position() + known < stream.end() ? Result.LOST : Result.WAIT;
        }
        length = length(stream, 0);
        seq = stream.byteAt(3);
        return Result.PACKET;
    }

    /**
     * Whether the boundaries may be found again at {@code from} bytes ahead ({@link HeaderResynchroniser.Candidate}):
     * from there the packets chain on up to the end of the {@code known} captured bytes.
     */
    boolean startsChain(DirectionStream stream, long from, int known) {
        long at = from;
        int packets = 0;
        int previousSeq = -1;
        while (at + MysqlPacket.HEADER <= known) {
            int payload = length(stream, at);
            int id = stream.byteAt(at + 3);
            if (!plausible(stream, at, payload, id, previousSeq, known)) {
                return false;
            }
            packets++;
            long next = at + MysqlPacket.HEADER + payload;
            if (next == known) {
                return true;
            }
            if (next > known) {
                return packets >= 2 || payload <= SINGLE_CANDIDATE_MAX && (clientSide ? id == 0 : id == 1);
            }
            previousSeq = id;
            at = next;
        }
        return packets >= 2;
    }

    /**
     * A client packet opens a command (sequence 0, a known command byte) or continues the one before it; a server
     * packet continues the sequence, or opens the next response at 1.
     */
    private boolean plausible(DirectionStream stream, long at, int payload, int id, int previousSeq, int known) {
        boolean continues = previousSeq >= 0 && id == (previousSeq + 1 & 0xFF);
        if (clientSide) {
            if (id == 0) {
                return payload > 0 && (at + MysqlPacket.HEADER >= known
                        || MysqlCommand.isCommand(stream.byteAt(at + MysqlPacket.HEADER)));
            }
            return continues;
        }
        return previousSeq < 0 || continues || id == 1;
    }

    private static int length(DirectionStream stream, long at) {
        return stream.byteAt(at) | stream.byteAt(at + 1) << 8 | stream.byteAt(at + 2) << 16;
    }
}
