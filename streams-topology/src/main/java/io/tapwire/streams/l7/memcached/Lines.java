package io.tapwire.streams.l7.memcached;

import io.tapwire.streams.l7.parse.DirectionStream;

/** Where the text line ahead in a stream ends: memcached ends lines with CR LF and accepts a bare LF. */
final class Lines {

    /** The line has not all arrived yet. */
    static final int WAIT = 0;
    /** The captured bytes stop before the line's end and a stretch not captured follows. */
    static final int CUT = -1;
    /** No line end within the limit: no line of this protocol. */
    static final int TOO_LONG = -2;

    private Lines() {
    }

    /** The length of the line ahead with its LF, or {@link #WAIT}, {@link #CUT}, {@link #TOO_LONG}. */
    static int length(DirectionStream stream, int limit) {
        int known = stream.knownAhead();
        int scan = Math.min(known, limit);
        for (int i = 0; i < scan; i++) {
            if (stream.byteAt(i) == '\n') {
                return i + 1;
            }
        }
        if (known >= limit) {
            return TOO_LONG;
        }
        return known < stream.end() - stream.position() ? CUT : WAIT;
    }

    /** The line's bytes without its CR LF (or LF). */
    static byte[] text(DirectionStream stream, int lengthWithEnd) {
        int length = lengthWithEnd;
        if (length > 0 && stream.byteAt(length - 1) == '\n') {
            length--;
            if (length > 0 && stream.byteAt(length - 1) == '\r') {
                length--;
            }
        }
        return stream.bytes(0, length);
    }
}
