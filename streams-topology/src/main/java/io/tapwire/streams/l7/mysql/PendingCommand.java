package io.tapwire.streams.l7.mysql;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.StateIO;

/**
 * A command in flight: what the request was, and what arrived of its response so far. Sizes are stream offset
 * differences, exact across stretches the capture did not see.
 */
final class PendingCommand {

    private final int command;
    private final String operation;
    private final String resource;
    private final long startNs;
    private final long seq;
    private final long startOffset;
    private long endOffset;
    private final MysqlResponse response;

    private boolean responding;
    private long responseFirstNs;
    private long responseLastNs;
    private long responseSeq = -1;
    private long responseStartOffset;
    private long responseEndOffset;

    /** A command whose packet spans the client stream's offsets {@code [from, to)}. */
    PendingCommand(int command, String operation, String resource, long startNs, long seq, long from, long to,
                   MysqlResponse response) {
        this.command = command;
        this.operation = operation;
        this.resource = resource;
        this.startNs = startNs;
        this.seq = seq;
        this.startOffset = from;
        this.endOffset = to;
        this.response = response;
    }

    int command() {
        return command;
    }

    String resource() {
        return resource;
    }

    MysqlResponse response() {
        return response;
    }

    /** A further client packet of the same exchange (a long command's continuation, LOCAL INFILE data) ends at {@code to}. */
    void extendTo(long to) {
        endOffset = Math.max(endOffset, to);
    }

    /**
     * A response packet spanning the server stream's offsets {@code [from, to)}, its first byte at {@code firstNs} and
     * its last at {@code lastNs}.
     */
    void responsePacket(long firstNs, long lastNs, long firstSeq, long from, long to) {
        if (!responding) {
            responding = true;
            responseFirstNs = firstNs;
            responseSeq = firstSeq;
            responseStartOffset = from;
        }
        responseLastNs = lastNs;
        responseEndOffset = to;
    }

    Exchange complete() {
        boolean failed = response.failed();
        return new Exchange(operation, resource, failed ? "failed" : "ok", failed, response.errorDetail(), startNs,
                responseFirstNs, responseLastNs, endOffset - startOffset, responseEndOffset - responseStartOffset, seq,
                responseSeq, List.of());
    }

    void writeState(DataOutput out) throws IOException {
        out.writeByte(command);
        StateIO.writeString(out, operation);
        StateIO.writeString(out, resource);
        out.writeLong(startNs);
        out.writeLong(seq);
        out.writeLong(startOffset);
        out.writeLong(endOffset);
        response.writeState(out);
        out.writeBoolean(responding);
        out.writeLong(responseFirstNs);
        out.writeLong(responseLastNs);
        out.writeLong(responseSeq);
        out.writeLong(responseStartOffset);
        out.writeLong(responseEndOffset);
    }

    static PendingCommand readState(DataInput in) throws IOException {
        PendingCommand pending = new PendingCommand(in.readUnsignedByte(), StateIO.readString(in),
                StateIO.readString(in), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                MysqlResponse.readState(in));
        pending.responding = in.readBoolean();
        pending.responseFirstNs = in.readLong();
        pending.responseLastNs = in.readLong();
        pending.responseSeq = in.readLong();
        pending.responseStartOffset = in.readLong();
        pending.responseEndOffset = in.readLong();
        return pending;
    }
}
