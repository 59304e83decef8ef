package io.tapwire.streams.l7.parse;

/**
 * Where the text line ahead in a stream ends, for the protocols that frame by lines (HTTP heads and chunk sizes,
 * memcached): a line ends with LF, after a CR or not (RFC 9112 §2.2; memcached accepts a bare LF too).
 */
public final class TextLines {

    /** The line has not all arrived yet. */
    public static final int WAIT = 0;
    /** The captured bytes stop before the line's end and a stretch not captured follows. */
    public static final int CUT = -1;
    /** No line end within the limit: no line of this protocol. */
    public static final int TOO_LONG = -2;

    private static final byte[] LF = {'\n'};

    private TextLines() {
    }

    /**
     * The length of the line at the stream's position with its LF, or {@link #WAIT}, {@link #CUT}, {@link #TOO_LONG};
     * lines longer than {@code limit} with their LF are too long.
     */
    public static int length(DirectionStream stream, int limit) {
        int lf = stream.indexOf(LF, 0, limit);
        if (lf >= 0) {
            return lf + 1;
        }
        int known = stream.knownAhead();
        if (known >= limit) {
            return TOO_LONG;
        }
        return known < stream.end() - stream.position() ? CUT : WAIT;
    }

    /** The line's bytes without its CR LF (or LF). */
    public static byte[] text(DirectionStream stream, int lengthWithEnd) {
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
