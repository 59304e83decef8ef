package io.tapwire.streams.l7.postgres;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.StateIO;
import io.tapwire.streams.l7.sql.SqlKeyword;

/**
 * One request in flight and what arrived of its response so far. A request is everything the server answers with
 * one ReadyForQuery: a simple Query, a FunctionCall, or an extended-protocol batch (Parse, Bind, Describe, Execute,
 * Close… up to its Sync). A batch stays open, taking further messages, until its Sync.
 *
 * <p>Sizes are stream offset differences (first byte to last byte of the request's messages, and of the
 * response's), so they stay exact across stretches the capture did not see, even where the parser had to
 * resynchronise inside them.
 */
final class PendingRequest {

    /** What kind of request it is: a simple Query, an extended batch, or a FunctionCall. */
    enum Kind { QUERY, BATCH, FUNCTION_CALL }

    private final Kind kind;
    private final long startNs;
    private final long seq;
    private final long startOffset;
    private long endOffset;
    /** Query: its text. Batch: the text of its first Execute, else of its first Parse. */
    private String text;
    private boolean executed;
    private boolean executedUnknown;
    private boolean parsed;
    private boolean closed;
    private boolean open;

    private boolean responding;
    private long responseFirstNs;
    private long responseSeq = -1;
    private long responseStartOffset;
    private long responseEndOffset;
    private boolean failed;
    private String errorDetail;

    private PendingRequest(Kind kind, long startNs, long seq, long startOffset, long endOffset) {
        this.kind = kind;
        this.startNs = startNs;
        this.seq = seq;
        this.startOffset = startOffset;
        this.endOffset = endOffset;
    }

    /** A Query whose message spans the client stream's offsets {@code [from, to)}. */
    static PendingRequest query(String text, long startNs, long seq, long from, long to) {
        PendingRequest request = new PendingRequest(Kind.QUERY, startNs, seq, from, to);
        request.text = text;
        return request;
    }

    static PendingRequest functionCall(long startNs, long seq, long from, long to) {
        return new PendingRequest(Kind.FUNCTION_CALL, startNs, seq, from, to);
    }

    /** An extended-protocol batch starting at offset {@code from}, open until its Sync. */
    static PendingRequest batch(long startNs, long seq, long from) {
        PendingRequest request = new PendingRequest(Kind.BATCH, startNs, seq, from, from);
        request.open = true;
        return request;
    }

    /** True for a batch whose Sync has not come yet. */
    boolean open() {
        return open;
    }

    /** A further message of the request ends at the client stream's offset {@code to}. */
    void extendTo(long to) {
        endOffset = Math.max(endOffset, to);
    }

    void parsed(String statement) {
        if (!parsed && !executed) {
            text = statement;
        }
        parsed = true;
    }

    /** An Execute of {@code statement}: null when the statement was prepared before the capture began. */
    void executed(String statement) {
        if (!executed) {
            text = statement;
            executedUnknown = statement == null;
        }
        executed = true;
    }

    /** A Close of a prepared statement or a portal. */
    void closed() {
        closed = true;
    }

    void synced() {
        open = false;
    }

    /** A response message spanning the server stream's offsets {@code [from, to)}, its first byte at {@code ns}. */
    void responseMessage(long ns, long firstSeq, long from, long to) {
        if (!responding) {
            responding = true;
            responseFirstNs = ns;
            responseSeq = firstSeq;
            responseStartOffset = from;
        }
        responseEndOffset = to;
    }

    /** An ErrorResponse: the first one decides the detail (the statements after it are not run). */
    void failed(String detail) {
        if (!failed) {
            failed = true;
            errorDetail = detail;
        }
    }

    /** The response ended (ReadyForQuery) with its last byte at {@code lastNs}. */
    Exchange complete(long lastNs) {
        return new Exchange(operation(), resource(), failed ? "failed" : "ok", failed, errorDetail, startNs,
                responseFirstNs, lastNs, endOffset - startOffset, responseEndOffset - responseStartOffset, seq,
                responseSeq, List.of());
    }

    /**
     * A batch that executes is named by its statement (an Execute of a statement prepared before the capture, whose
     * text is unknown, is an EXECUTE); a batch that only prepares is a PREPARE of its text; one that only closes
     * statements is a CLOSE; one with nothing of these (a lone Sync) is a SYNC.
     */
    private String operation() {
        return switch (kind) {
            case QUERY -> SqlKeyword.POSTGRES.of(text);
            case FUNCTION_CALL -> "FUNCTION_CALL";
            case BATCH -> {
                if (executed) {
                    yield executedUnknown ? "EXECUTE" : SqlKeyword.POSTGRES.of(text);
                }
                yield parsed ? "PREPARE" : closed ? "CLOSE" : "SYNC";
            }
        };
    }

    private String resource() {
        return kind == Kind.FUNCTION_CALL ? null : text;
    }

    void writeState(DataOutput out) throws IOException {
        out.writeByte(kind.ordinal());
        out.writeLong(startNs);
        out.writeLong(seq);
        out.writeLong(startOffset);
        out.writeLong(endOffset);
        StateIO.writeString(out, text);
        out.writeByte((executed ? 1 : 0) | (executedUnknown ? 2 : 0) | (parsed ? 4 : 0) | (closed ? 8 : 0)
                | (open ? 16 : 0) | (responding ? 32 : 0) | (failed ? 64 : 0));
        out.writeLong(responseFirstNs);
        out.writeLong(responseSeq);
        out.writeLong(responseStartOffset);
        out.writeLong(responseEndOffset);
        StateIO.writeString(out, errorDetail);
    }

    static PendingRequest readState(DataInput in) throws IOException {
        int kind = in.readUnsignedByte();
        if (kind >= Kind.values().length) {
            throw new IOException("corrupt postgres parser state: request kind " + kind);
        }
        PendingRequest request = new PendingRequest(Kind.values()[kind], in.readLong(), in.readLong(), in.readLong(),
                in.readLong());
        request.text = StateIO.readString(in);
        int flags = in.readUnsignedByte();
        request.executed = (flags & 1) != 0;
        request.executedUnknown = (flags & 2) != 0;
        request.parsed = (flags & 4) != 0;
        request.closed = (flags & 8) != 0;
        request.open = (flags & 16) != 0;
        request.responding = (flags & 32) != 0;
        request.failed = (flags & 64) != 0;
        request.responseFirstNs = in.readLong();
        request.responseSeq = in.readLong();
        request.responseStartOffset = in.readLong();
        request.responseEndOffset = in.readLong();
        request.errorDetail = StateIO.readString(in);
        return request;
    }
}
