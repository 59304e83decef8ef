package io.tapwire.streams.l7.parse;

import java.nio.ByteBuffer;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.PayloadEvent;

/** Turns a payload record of tapwire.raw.l7.v1 into the segment its socket's parser is fed. */
public final class PayloadSegments {

    private static final byte[] NONE = new byte[0];

    private PayloadSegments() {
    }

    /**
     * The record's bytes as a segment. Direction: on the client's socket its writes go to the server, on the
     * server's its reads came from the client; a socket of unknown role counts as the client. Times: a write's first
     * byte leaves at the syscall's start and its last at the end; a read has its bytes at its end (it may have
     * blocked waiting for them).
     */
    public static Segment of(PayloadEvent e) {
        boolean egress = e.getDirection() == Direction.EGRESS;
        boolean serverSocket = e.getRole() == ConnectionRole.SERVER;
        boolean fromClient = egress != serverSocket;
        long endNs = e.getHeader().getEpochTimeNs();
        long startNs = endNs - Math.max(0, e.getHeader().getKernelTimeNs() - e.getSyscallStartNs());
        return new Segment(fromClient, e.getStreamOffset(), e.getByteCount(), bytes(e.getHead()), bytes(e.getTail()),
                e.getPayloadVisible(), egress ? startNs : endNs, endNs, e.getTcpSeq() == null ? -1 : e.getTcpSeq());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null || !buffer.hasRemaining()) {
            return NONE;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
