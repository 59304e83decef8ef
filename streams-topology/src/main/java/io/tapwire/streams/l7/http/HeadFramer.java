package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.DirectionStream;

/**
 * Finds one message head (start line to the empty line, RFC 9112 §2.1) in one direction's stream and decodes it. A
 * head longer than what its syscall's capture kept (the head bytes, then a stretch not captured, then the tail) is
 * decoded from its captured lines, and its end is looked for past the stretches not captured: a response with a
 * 2 KiB Content-Security-Policy header still frames when the empty line ending its head is in the captured tail.
 */
final class HeadFramer {

    enum Step {
        /** The head is not all here yet. */
        WAIT,
        /** A head was framed and consumed: {@link #head()} and the start fields describe it. */
        HEAD,
        /** No message starts here: the caller resynchronises. */
        GARBAGE,
        /** A message started ({@link #head()} has what its captured part said) but its head's end was lost. */
        HEAD_LOST
    }

    /** Longer heads are refused by servers (nginx: 4 × 8 KiB buffers; Apache: 100 fields of 8 KiB at most). */
    static final int MAX_HEAD = 64 * 1024;
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    private final boolean requests;
    private HttpHead head;
    private boolean cut;
    private boolean inRest;
    private long startOffset;
    private long startNs;
    private long startSeq;
    private long lastNs;

    HeadFramer(boolean requests) {
        this.requests = requests;
    }

    /** The last head framed, or the one being framed. */
    HttpHead head() {
        return head;
    }

    /** True when the capture cut the head: fields in the stretches not captured are unknown (Content-Length may be). */
    boolean wasCut() {
        return cut;
    }

    long startOffset() {
        return startOffset;
    }

    long startNs() {
        return startNs;
    }

    long startSeq() {
        return startSeq;
    }

    /** When the head's last byte was seen (the whole message's, if it has no body); after HEAD_LOST, the last byte read. */
    long lastNs() {
        return lastNs;
    }

    Step advance(DirectionStream stream) {
        if (inRest) {
            return findRest(stream);
        }
        if (stream.position() >= stream.end()) {
            return Step.WAIT;
        }
        if (stream.atUncaptured()) {
            return Step.GARBAGE;
        }
        int known = stream.knownAhead();
        int end = stream.indexOf(HEAD_END, 0, MAX_HEAD);
        if (end >= 0) {
            int length = end + HEAD_END.length;
            byte[] bytes = stream.bytes(0, length);
            HttpHead decoded = decode(bytes, length);
            if (decoded == null) {
                return Step.GARBAGE;
            }
            start(stream, decoded, false);
            lastNs = stream.timeAt(length - 1);
            stream.consume(length);
            return Step.HEAD;
        }
        boolean gapFollows = known < stream.end() - stream.position();
        if (!gapFollows) {
            return known >= MAX_HEAD || !couldStart(stream, known) ? Step.GARBAGE : Step.WAIT;
        }
        byte[] bytes = stream.bytes(0, Math.min(known, MAX_HEAD));
        HttpHead decoded = decode(bytes, bytes.length);
        if (decoded == null) {
            return Step.GARBAGE;
        }
        start(stream, decoded, true);
        lastNs = stream.timeAt(known - 1);
        stream.consume(known);
        inRest = true;
        return findRest(stream);
    }

    /** In a cut head: passes the stretches not captured, reading the complete field lines of the captured ones. */
    private Step findRest(DirectionStream stream) {
        while (true) {
            if (stream.position() >= stream.end()) {
                return Step.WAIT;
            }
            if (stream.atUncaptured()) {
                stream.skipUncaptured();
                continue;
            }
            int known = stream.knownAhead();
            int end = stream.indexOf(HEAD_END, 0, (int) Math.max(0, MAX_HEAD - (stream.position() - startOffset)));
            int length = end >= 0 ? end + HEAD_END.length : known;
            if (stream.position() + length - startOffset > MAX_HEAD) {
                inRest = false;
                return Step.HEAD_LOST;
            }
            if (end < 0 && known == stream.end() - stream.position()) {
                return Step.WAIT;
            }
            byte[] bytes = stream.bytes(0, length);
            int firstLineEnd = HttpHead.indexOf(bytes, 0, length, (byte) '\n');
            if (firstLineEnd >= 0) {
                head = head.withFieldLines(bytes, firstLineEnd + 1, length);
            }
            lastNs = stream.timeAt(length - 1);
            stream.consume(length);
            if (end >= 0) {
                inRest = false;
                return Step.HEAD;
            }
        }
    }

    private void start(DirectionStream stream, HttpHead decoded, boolean wasCut) {
        head = decoded;
        cut = wasCut;
        startOffset = stream.position();
        startNs = stream.timeAt(0);
        startSeq = stream.seqAt(0);
    }

    private HttpHead decode(byte[] bytes, int length) {
        return requests ? HttpHead.decodeRequest(bytes, length) : HttpHead.decodeResponse(bytes, length);
    }

    /** Whether the first captured bytes can still become a start line, so that waiting for more is worth it. */
    private boolean couldStart(DirectionStream stream, int known) {
        int n = Math.min(known, 8);
        if (requests) {
            for (int i = 0; i < n; i++) {
                int b = stream.byteAt(i);
                if (b == ' ') {
                    return i > 0;
                }
                if (!((b >= 'A' && b <= 'Z') || b == '-' || b == '_')) {
                    return false;
                }
            }
            return true;
        }
        String prefix = "HTTP/1.";
        for (int i = 0; i < Math.min(n, prefix.length()); i++) {
            if (stream.byteAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    void writeState(DataOutput out) throws IOException {
        out.writeBoolean(head != null);
        if (head != null) {
            head.writeTo(out);
        }
        out.writeBoolean(cut);
        out.writeBoolean(inRest);
        out.writeLong(startOffset);
        out.writeLong(startNs);
        out.writeLong(startSeq);
        out.writeLong(lastNs);
    }

    void readState(DataInput in) throws IOException {
        head = in.readBoolean() ? HttpHead.readFrom(in) : null;
        cut = in.readBoolean();
        inRest = in.readBoolean();
        startOffset = in.readLong();
        startNs = in.readLong();
        startSeq = in.readLong();
        lastNs = in.readLong();
    }
}
