package io.tapwire.streams.l7.redis;

import java.nio.charset.StandardCharsets;

import io.tapwire.streams.l7.parse.DirectionStream;

/**
 * The byte-level RESP grammar (https://redis.io/docs/latest/develop/reference/protocol-spec/) read from the captured
 * bytes ahead of a {@link DirectionStream}'s position: header lines, integers, which first bytes start a value, and
 * whether bytes look like the start of a message (where a lost framing may be found again).
 */
final class RespSyntax {

    static final int LINE_NEED_MORE = -1;
    static final int LINE_LOST = -2;
    static final long INVALID = Long.MIN_VALUE;
    static final byte[] CRLF = {'\r', '\n'};

    private RespSyntax() {
    }

    /** The index of the CR of the next CRLF, or {@link #LINE_NEED_MORE} / {@link #LINE_LOST}. */
    static int lineEnd(DirectionStream stream, int maxLine) {
        int cr = stream.indexOf(CRLF, 0);
        if (cr >= 0) {
            return cr;
        }
        return lineLost(stream, maxLine) ? LINE_LOST : LINE_NEED_MORE;
    }

    /** No line end among the known bytes: lost when they end at bytes not captured, or when there are too many. */
    static boolean lineLost(DirectionStream stream, int maxLine) {
        int known = stream.knownAhead();
        return known >= maxLine || stream.position() + known < stream.end();
    }

    /** Content bytes readable from {@code header} on ({@code wanted} at most), or -1 while they are still to come. */
    static int capturable(DirectionStream stream, int header, int wanted) {
        int readable = stream.readable(header + wanted);
        return readable < 0 ? -1 : Math.max(0, readable - header);
    }

    /** True when the captured bytes ahead start like a request: {@code *<n>\r\n$}, or a word and a blank or CR/LF. */
    static boolean looksLikeRequestStart(DirectionStream stream) {
        int known = stream.knownAhead();
        if (known == 0) {
            return false;
        }
        int first = stream.byteAt(0);
        if (isLetter(first)) {
            return looksLikeInline(stream, known);
        }
        int cr = stream.indexOf(CRLF, 0);
        return first == '*' && cr > 1 && cr + 2 < known && number(stream, 1, cr) > 0 && stream.byteAt(cr + 2) == '$';
    }

    /** True when the captured bytes ahead start with a whole, valid reply header line. */
    static boolean looksLikeReplyStart(DirectionStream stream) {
        if (stream.knownAhead() == 0) {
            return false;
        }
        int first = stream.byteAt(0);
        int cr = stream.indexOf(CRLF, 0);
        if (!isReplyType(first) || cr < 1) {
            return false;
        }
        return switch (first) {
            case '+' -> printable(stream, 1, cr);
            case '-' -> cr > 1 && stream.byteAt(1) >= 'A' && stream.byteAt(1) <= 'Z' && printable(stream, 1, cr);
            case '$' -> number(stream, 1, cr) >= -1 && number(stream, 1, cr) <= RespFramer.MAX_BULK;
            case '!', '=' -> number(stream, 1, cr) >= 0 && number(stream, 1, cr) <= RespFramer.MAX_BULK;
            case '*', '%' -> number(stream, 1, cr) >= -1 && number(stream, 1, cr) <= Integer.MAX_VALUE;
            case '~', '>', '|' -> number(stream, 1, cr) >= 0 && number(stream, 1, cr) <= Integer.MAX_VALUE;
            default -> validSimple(stream, first, cr);
        };
    }

    static boolean looksLikeInline(DirectionStream stream, int known) {
        for (int i = 0; i < Math.min(known, 32); i++) {
            int b = stream.byteAt(i);
            if (isLetter(b)) {
                continue;
            }
            return i > 0 && (b == ' ' || b == '\r' || b == '\n');
        }
        return false;
    }

    static boolean validSimple(DirectionStream stream, int kind, int cr) {
        return switch (kind) {
            case ':' -> number(stream, 1, cr) != INVALID;
            case '(' -> digits(stream, 1, cr);
            case '_' -> cr == 1;
            case '#' -> cr == 2 && (stream.byteAt(1) == 't' || stream.byteAt(1) == 'f');
            case ',' -> cr > 1;
            default -> true;
        };
    }

    /** The decimal integer in bytes [from, to), or {@link #INVALID}. */
    static long number(DirectionStream stream, int from, int to) {
        boolean negative = from < to && stream.byteAt(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to || to - i > 18) {
            return INVALID;
        }
        long value = 0;
        for (; i < to; i++) {
            int b = stream.byteAt(i);
            if (b < '0' || b > '9') {
                return INVALID;
            }
            value = value * 10 + (b - '0');
        }
        return negative ? -value : value;
    }

    static boolean digits(DirectionStream stream, int from, int to) {
        int i = from < to && stream.byteAt(from) == '-' ? from + 1 : from;
        if (i >= to) {
            return false;
        }
        for (; i < to; i++) {
            int b = stream.byteAt(i);
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }

    static boolean printable(DirectionStream stream, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = stream.byteAt(i);
            if (b < 0x20 && b != '\t') {
                return false;
            }
        }
        return true;
    }

    static String text(DirectionStream stream, int from, int length) {
        return new String(stream.bytes(from, length), StandardCharsets.UTF_8);
    }

    static boolean isReplyType(int b) {
        return switch (b) {
            case '+', '-', ':', '$', '*', '_', ',', '#', '!', '=', '(', '%', '~', '|', '>' -> true;
            default -> false;
        };
    }

    static boolean isLetter(int b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
    }

    static boolean isSpace(int b) {
        return b == ' ' || b == '\t';
    }
}
