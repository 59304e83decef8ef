package io.tapwire.streams.l7.redis;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateIO;

/**
 * Frames the RESP messages of one direction of a Redis connection, element by element, so that it can stop anywhere
 * (bytes not here yet) and go on with the next segment. Requests are arrays of bulk strings or inline commands;
 * replies any RESP2/RESP3 value (an attribute {@code |} and the value it annotates are one message).
 *
 * <p>Nesting is followed with a stack of element counts, so a reply of any size is framed without keeping it. A bulk
 * string is passed over by its length, also where the capture did not see its bytes (the middle of a large value,
 * a sendfile). Where RESP gives no length — a header line not captured, an element of an array whose middle was not
 * captured — the framing is lost. The framer then passes over everything up to the next segment of this direction
 * that starts like a message, once the other side spoke, and counts a resync there. A request lost that way is
 * handed over at once (the server answers a request only once it has all of it, so its reply follows), sized by the
 * bytes of this direction that had arrived; a reply lost that way ends where the framing is found again.
 */
final class RespFramer {

    /** Arguments of a request kept: the command and enough to find its first key. */
    static final int CAPTURED_ARGS = 4;
    /** Bytes kept of each argument. */
    static final int MAX_ARGUMENT = 128;
    static final int MAX_ERROR = 512;
    static final int MAX_FIRST_ELEMENT = 32;
    /** Redis' largest string (proto-max-bulk-len's default): a longer length is garbage. */
    static final long MAX_BULK = 512L * 1024 * 1024;
    /** Redis' PROTO_INLINE_MAX_SIZE; also the longest header or simple-string line waited for. */
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_DEPTH = 32;

    private static final byte[] LF = {'\n'};
    private static final int PROGRESS = 0;
    private static final int NEED_MORE = 1;
    private static final int LOST = 2;

    private final boolean requests;

    private boolean inMessage;
    private long start;
    private long startNs;
    private long startSeq;
    private int type = -1;
    /** Elements of the top-level aggregate: with {@code remaining[0]} it gives the index of the element being read. */
    private long topCount;
    private int depth;
    private final long[] remaining = new long[MAX_DEPTH];
    private final boolean[] attribute = new boolean[MAX_DEPTH];
    private final String[] args = new String[CAPTURED_ARGS];
    private String errorDetail;
    private String firstElement;
    /** Stream offset where the framed message ends, while its last byte has not arrived (its time is not known). */
    private long awaitedEnd = -1;

    private boolean lost;
    private long resyncs;
    /** When the last byte of this direction's previous segment was seen: the end of a stretch lost before a resync. */
    private long previousLastNs;

    private RespFramer(boolean requests) {
        this.requests = requests;
    }

    /** Frames what the client sends: arrays of bulk strings and inline commands. */
    static RespFramer requests() {
        return new RespFramer(true);
    }

    /** Frames what the server sends: any RESP2/RESP3 value. */
    static RespFramer replies() {
        return new RespFramer(false);
    }

    /** Times the framing was found again after it was lost. */
    long resyncs() {
        return resyncs;
    }

    /**
     * Frames what {@code segment}, just appended to {@code stream}, made available; hands each message to {@code out}
     * once its last byte has arrived. {@code otherSideSpoke}: the other direction had a segment since this direction's
     * previous one. Only then may a lost framing be found again at this segment: a message starts after the other
     * side said something (a reply after a request, the next request after a reply), whereas a segment in the middle
     * of a long message can start with anything, "$5\r\n" included.
     */
    void advance(DirectionStream stream, Segment segment, boolean otherSideSpoke, Consumer<RespMessage> out) {
        if (awaitedEnd >= 0) {
            if (segment.end() < awaitedEnd) {
                previousLastNs = segment.lastByteNs();
                return;
            }
            long last = awaitedEnd - 1;
            emit(out, awaitedEnd - start, last <= segment.offset() ? segment.firstByteNs() : segment.lastByteNs(),
                    true);
        }
        boolean framing = !lost || resync(stream, segment, otherSideSpoke, out);
        boolean resyncTried = lost;
        while (framing && !frame(stream, segment, out)) {
            // Lost before this segment: the segment itself may start the next message.
            framing = !resyncTried && stream.position() < segment.offset()
                    && resync(stream, segment, otherSideSpoke, out);
            resyncTried = true;
        }
        if (lost) {
            stream.skipAll();
        }
        previousLastNs = segment.lastByteNs();
    }

    private boolean resync(DirectionStream stream, Segment segment, boolean otherSideSpoke,
                           Consumer<RespMessage> out) {
        stream.skipUncaptured();
        if (otherSideSpoke && stream.position() == segment.offset() && looksLikeMessageStart(stream)) {
            lost = false;
            resyncs++;
            if (inMessage) {
                emit(out, stream.position() - start, previousLastNs, false);
            }
            return true;
        }
        return false;
    }

    private boolean looksLikeMessageStart(DirectionStream stream) {
        return requests ? RespSyntax.looksLikeRequestStart(stream) : RespSyntax.looksLikeReplyStart(stream);
    }

    /** Frames messages until the bytes run out (true) or the framing is lost (false). */
    private boolean frame(DirectionStream stream, Segment segment, Consumer<RespMessage> out) {
        while (stream.position() < stream.end() && awaitedEnd < 0) {
            int result = stream.atUncaptured() ? LOST : inMessage ? element(stream, out) : begin(stream, out);
            if (result == NEED_MORE) {
                return true;
            }
            if (result == LOST) {
                lose(stream, segment, out);
                return false;
            }
        }
        return true;
    }

    /**
     * A request lost here is handed over now, sized up to this segment when it was lost in a gap before it, else up
     * to the end of this segment (a client writes a command in one go).
     */
    private void lose(DirectionStream stream, Segment segment, Consumer<RespMessage> out) {
        if (inMessage && requests) {
            long end = stream.position() < segment.offset() ? segment.offset() : stream.end();
            emit(out, end - start, segment.lastByteNs(), false);
        }
        lost = true;
    }

    private int begin(DirectionStream stream, Consumer<RespMessage> out) {
        int first = stream.byteAt(0);
        if (requests) {
            if (first == '\r' || first == '\n') {
                stream.consume(1);
                return PROGRESS;
            }
            if (first != '*') {
                return RespSyntax.isLetter(first) ? inline(stream, out) : LOST;
            }
        } else if (!RespSyntax.isReplyType(first)) {
            return LOST;
        }
        inMessage = true;
        start = stream.position();
        startNs = stream.timeAt(0);
        startSeq = stream.seqAt(0);
        type = -1;
        topCount = 0;
        depth = 0;
        Arrays.fill(args, null);
        errorDetail = null;
        firstElement = null;
        return element(stream, out);
    }

    private int element(DirectionStream stream, Consumer<RespMessage> out) {
        int kind = stream.byteAt(0);
        if (requests && kind != (depth == 0 ? '*' : '$')) {
            return LOST;
        }
        int cr = RespSyntax.lineEnd(stream, MAX_LINE);
        if (cr == RespSyntax.LINE_NEED_MORE) {
            return NEED_MORE;
        }
        if (cr == RespSyntax.LINE_LOST || cr == 0) {
            return LOST;
        }
        return switch (kind) {
            case '$', '!', '=' -> bulk(stream, kind, cr, out);
            case '*', '%', '~', '>', '|' -> aggregate(stream, kind, cr, out);
            case '+', '-', ':', '_', ',', '#', '(' -> simple(stream, kind, cr, out);
            default -> LOST;
        };
    }

    private int simple(DirectionStream stream, int kind, int cr, Consumer<RespMessage> out) {
        if (!RespSyntax.validSimple(stream, kind, cr)) {
            return LOST;
        }
        if (depth == 0) {
            type = kind;
            if (kind == '-') {
                errorDetail = RespSyntax.text(stream, 1, Math.min(cr - 1, MAX_ERROR));
            }
        }
        if (kind == '+' && readingFirstElement() && cr - 1 <= MAX_FIRST_ELEMENT) {
            firstElement = RespSyntax.text(stream, 1, cr - 1).toLowerCase(Locale.ROOT);
        }
        return finishValue(stream, cr + 2, out);
    }

    private int bulk(DirectionStream stream, int kind, int cr, Consumer<RespMessage> out) {
        long length = RespSyntax.number(stream, 1, cr);
        int header = cr + 2;
        if (length == -1 && kind == '$' && !requests) {
            if (depth == 0) {
                type = kind;
            }
            return finishValue(stream, header, out);
        }
        if (length < 0 || length > MAX_BULK) {
            return LOST;
        }
        int argument = requests ? (int) Math.min(topCount - remaining[0], Integer.MAX_VALUE) : -1;
        int wanted = 0;
        if (requests && argument < CAPTURED_ARGS) {
            wanted = (int) Math.min(length, MAX_ARGUMENT);
        } else if (!requests && depth == 0 && kind == '!') {
            wanted = (int) Math.min(length, MAX_ERROR);
        } else if (!requests && kind == '$' && length <= MAX_FIRST_ELEMENT && readingFirstElement()) {
            wanted = (int) length;
        }
        if (wanted > 0) {
            int readable = RespSyntax.capturable(stream, header, wanted);
            if (readable < 0) {
                return NEED_MORE;
            }
            String text = RespSyntax.text(stream, header, readable);
            if (requests) {
                args[argument] = text;
            } else if (depth == 0) {
                errorDetail = text;
            } else {
                firstElement = text.toLowerCase(Locale.ROOT);
            }
        } else if (requests && argument < CAPTURED_ARGS) {
            args[argument] = "";
        }
        if (depth == 0) {
            type = kind;
        }
        return finishValue(stream, header + length + 2, out);
    }

    private int aggregate(DirectionStream stream, int kind, int cr, Consumer<RespMessage> out) {
        long count = RespSyntax.number(stream, 1, cr);
        int header = cr + 2;
        if (count == -1 && (kind == '*' || kind == '%')) {
            if (requests) {
                return ignoreEmptyRequest(stream, header);
            }
            if (depth == 0) {
                type = kind;
            }
            return finishValue(stream, header, out);
        }
        if (count < 0 || count > Integer.MAX_VALUE) {
            return LOST;
        }
        if (requests && count == 0) {
            return ignoreEmptyRequest(stream, header);
        }
        if (depth == 0 && kind != '|') {
            type = kind;
            topCount = count;
        }
        long elements = kind == '%' || kind == '|' ? 2 * count : count;
        if (elements == 0) {
            if (kind == '|') {
                stream.consume(header);
                return PROGRESS;
            }
            return finishValue(stream, header, out);
        }
        if (depth == MAX_DEPTH) {
            return LOST;
        }
        stream.consume(header);
        remaining[depth] = elements;
        attribute[depth] = kind == '|';
        depth++;
        return PROGRESS;
    }

    /** Redis skips a multibulk of zero or -1 elements: no command, no reply. */
    private int ignoreEmptyRequest(DirectionStream stream, int header) {
        stream.consume(header);
        inMessage = false;
        return PROGRESS;
    }

    private int inline(DirectionStream stream, Consumer<RespMessage> out) {
        int lf = stream.indexOf(LF, 0);
        if (lf < 0) {
            return RespSyntax.lineLost(stream, MAX_LINE) ? LOST : NEED_MORE;
        }
        int lineLength = lf > 0 && stream.byteAt(lf - 1) == '\r' ? lf - 1 : lf;
        inMessage = true;
        start = stream.position();
        startNs = stream.timeAt(0);
        startSeq = stream.seqAt(0);
        type = 'i';
        errorDetail = null;
        firstElement = null;
        Arrays.fill(args, null);
        splitWords(stream, lineLength);
        long lastNs = stream.timeAt(lf);
        stream.consume(lf + 1);
        if (args[0] == null) {
            inMessage = false;
            return PROGRESS;
        }
        emit(out, lf + 1, lastNs, true);
        return PROGRESS;
    }

    private void splitWords(DirectionStream stream, int lineLength) {
        int word = 0;
        int i = 0;
        while (i < lineLength && word < CAPTURED_ARGS) {
            while (i < lineLength && RespSyntax.isSpace(stream.byteAt(i))) {
                i++;
            }
            int from = i;
            while (i < lineLength && !RespSyntax.isSpace(stream.byteAt(i))) {
                i++;
            }
            if (i > from) {
                args[word++] = RespSyntax.text(stream, from, Math.min(i - from, MAX_ARGUMENT));
            }
        }
    }

    /**
     * Consumes a value of {@code total} bytes (header and body, also past what arrived) and, when it was the last of
     * the message, hands the message over, or waits for its last byte to arrive.
     */
    private int finishValue(DirectionStream stream, long total, Consumer<RespMessage> out) {
        boolean completes = completesMessage();
        long lastNs = completes && total <= stream.end() - stream.position() ? stream.timeAt(total - 1) : -1;
        stream.consume(total);
        valueDone();
        if (completes) {
            if (lastNs >= 0) {
                emit(out, stream.position() - start, lastNs, true);
            } else {
                awaitedEnd = stream.position();
            }
        }
        return PROGRESS;
    }

    /** True when the value being read is the last one missing at every level, none of them an attribute. */
    private boolean completesMessage() {
        for (int level = 0; level < depth; level++) {
            if (remaining[level] != 1 || attribute[level]) {
                return false;
            }
        }
        return true;
    }

    /** One value read at the current level: closes each level it completes (an attribute is no value of its level). */
    private void valueDone() {
        while (depth > 0) {
            if (--remaining[depth - 1] > 0) {
                return;
            }
            depth--;
            if (attribute[depth]) {
                return;
            }
        }
    }

    private boolean readingFirstElement() {
        return depth == 1 && !attribute[0] && remaining[0] == topCount && (type == '*' || type == '>');
    }

    private void emit(Consumer<RespMessage> out, long length, long lastNs, boolean framed) {
        RespMessage message = new RespMessage(start, length, startNs, Math.max(lastNs, startNs), startSeq, type,
                requests ? args.clone() : null, errorDetail, firstElement, framed);
        inMessage = false;
        awaitedEnd = -1;
        depth = 0;
        out.accept(message);
    }

    void writeState(DataOutput out) throws IOException {
        out.writeBoolean(inMessage);
        out.writeLong(start);
        out.writeLong(startNs);
        out.writeLong(startSeq);
        out.writeInt(type);
        out.writeLong(topCount);
        out.writeInt(depth);
        for (int level = 0; level < depth; level++) {
            out.writeLong(remaining[level]);
            out.writeBoolean(attribute[level]);
        }
        for (String arg : args) {
            StateIO.writeString(out, arg);
        }
        StateIO.writeString(out, errorDetail);
        StateIO.writeString(out, firstElement);
        out.writeLong(awaitedEnd);
        out.writeBoolean(lost);
        out.writeLong(resyncs);
        out.writeLong(previousLastNs);
    }

    static RespFramer readState(DataInput in, boolean requests) throws IOException {
        RespFramer framer = new RespFramer(requests);
        framer.inMessage = in.readBoolean();
        framer.start = in.readLong();
        framer.startNs = in.readLong();
        framer.startSeq = in.readLong();
        framer.type = in.readInt();
        framer.topCount = in.readLong();
        framer.depth = in.readInt();
        if (framer.depth < 0 || framer.depth > MAX_DEPTH) {
            throw new IOException("corrupt Redis parser state: nesting depth " + framer.depth);
        }
        for (int level = 0; level < framer.depth; level++) {
            framer.remaining[level] = in.readLong();
            framer.attribute[level] = in.readBoolean();
        }
        for (int i = 0; i < CAPTURED_ARGS; i++) {
            framer.args[i] = StateIO.readString(in);
        }
        framer.errorDetail = StateIO.readString(in);
        framer.firstElement = StateIO.readString(in);
        framer.awaitedEnd = in.readLong();
        framer.lost = in.readBoolean();
        framer.resyncs = in.readLong();
        framer.previousLastNs = in.readLong();
        return framer;
    }
}
