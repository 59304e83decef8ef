package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * What the parser needs from an HTTP/1.x message head (start line and header fields, RFC 9112 §2–§6): the method and
 * target of a request, the status of a response, and how its body is delimited. Decoded from a copy of the head's
 * captured bytes; a head the capture cut short (longer than the head bytes of its syscall) decodes from the lines it
 * has, and later lines (from the captured tail) can be added with {@link #withFieldLines}.
 *
 * @param method        request method; null for a response
 * @param target        request target as sent (query values included); null for a response
 * @param status        response status code; -1 for a request
 * @param reason        response reason phrase ("" when absent); null for a request
 * @param contentLength Content-Length, -1 when absent
 * @param chunked       Transfer-Encoding ends in chunked (§6.3: then Content-Length is ignored)
 * @param otherCoding   a Transfer-Encoding that does not end in chunked: a response then runs to the close, a request
 *                      cannot be framed (§6.3 rules 4 and 5)
 * @param badLength     a Content-Length that is not a number (or several that differ): the body cannot be framed
 */
record HttpHead(String method, String target, int status, String reason, long contentLength, boolean chunked,
                boolean otherCoding, boolean badLength) {

    /** Longest method token accepted (the longest registered one, UPDATEREDIRECTREF, has 17 letters). */
    private static final int MAX_METHOD = 20;
    /** Bodies beyond this are taken for garbage: no capture frames a terabyte message. */
    static final long MAX_BODY = 1L << 40;
    /** Bytes {@link #looksLikeRequestLine} and {@link #looksLikeStatusLine} need to decide. */
    static final int START_PREFIX = 13;

    /** The methods the kernel's classifier recognises: a request found again after lost bytes starts with one. */
    private static final String[] KNOWN_METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH",
            "CONNECT", "TRACE"};

    boolean isRequest() {
        return method != null;
    }

    /**
     * The request start line {@code method SP target SP HTTP/1.x} at the start of {@code bytes[0, length)}; null when
     * it is none. A start line the capture cut (no line end in the bytes) is accepted with the target it has.
     */
    static HttpHead decodeRequest(byte[] bytes, int length) {
        int eol = indexOf(bytes, 0, length, (byte) '\n');
        int lineEnd = eol < 0 ? length : trimCr(bytes, eol);
        int space = methodEnd(bytes, lineEnd);
        if (space < 0) {
            return null;
        }
        int targetStart = space + 1;
        int targetEnd = indexOf(bytes, targetStart, lineEnd, (byte) ' ');
        if (eol >= 0) {
            if (targetEnd <= targetStart || !isVersion(bytes, targetEnd + 1, lineEnd)) {
                return null;
            }
        } else if (targetEnd < 0) {
            targetEnd = lineEnd;
        }
        if (targetEnd <= targetStart) {
            return null;
        }
        HttpHead head = new HttpHead(ascii(bytes, 0, space), ascii(bytes, targetStart, targetEnd), -1, null, -1,
                false, false, false);
        return eol < 0 ? head : head.withFieldLines(bytes, eol + 1, length);
    }

    /** The status line {@code HTTP/1.x SP ddd [SP reason]} at the start of {@code bytes[0, length)}; null when it is none. */
    static HttpHead decodeResponse(byte[] bytes, int length) {
        if (!looksLikeStatusLine(bytes, 0, length)) {
            return null;
        }
        int eol = indexOf(bytes, 0, length, (byte) '\n');
        int lineEnd = eol < 0 ? length : trimCr(bytes, eol);
        int status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
        String reason = lineEnd > 13 ? ascii(bytes, 13, lineEnd).strip() : "";
        HttpHead head = new HttpHead(null, null, status, reason, -1, false, false, false);
        return eol < 0 ? head : head.withFieldLines(bytes, eol + 1, length);
    }

    /** True when {@code bytes[from, length)} starts with {@code HTTP/1.x ddd} followed by a space or a line end. */
    static boolean looksLikeStatusLine(byte[] bytes, int from, int length) {
        if (length - from < 13 || !startsWith(bytes, from, "HTTP/1.") || !isDigit(bytes[from + 7])
                || bytes[from + 8] != ' ') {
            return false;
        }
        for (int i = from + 9; i < from + 12; i++) {
            if (!isDigit(bytes[i])) {
                return false;
            }
        }
        byte after = bytes[from + 12];
        return after == ' ' || after == '\r' || after == '\n';
    }

    /**
     * This head with the framing fields of the complete lines in {@code bytes[from, length)} added: each line ends in
     * LF (CR LF or a bare LF, §2.2); a last line without its end is not read (it may be cut, "Content-Length: 1" of
     * "…: 12"). The empty line that ends the head ends the reading.
     */
    HttpHead withFieldLines(byte[] bytes, int from, int length) {
        long contentLength = this.contentLength;
        boolean chunked = this.chunked;
        boolean otherCoding = this.otherCoding;
        boolean badLength = this.badLength;
        int lineStart = from;
        while (lineStart < length) {
            int eol = indexOf(bytes, lineStart, length, (byte) '\n');
            if (eol < 0) {
                break;
            }
            int lineEnd = trimCr(bytes, eol);
            if (lineEnd == lineStart) {
                break;
            }
            int colon = indexOf(bytes, lineStart, lineEnd, (byte) ':');
            if (colon > lineStart) {
                if (nameIs(bytes, lineStart, colon, "content-length")) {
                    long value = parseLength(bytes, colon + 1, lineEnd);
                    if (value < 0 || (contentLength >= 0 && value != contentLength)) {
                        badLength = true;
                    } else {
                        contentLength = value;
                    }
                } else if (nameIs(bytes, lineStart, colon, "transfer-encoding")) {
                    String codings = ascii(bytes, colon + 1, lineEnd);
                    String last = codings.substring(codings.lastIndexOf(',') + 1).strip();
                    chunked = last.equalsIgnoreCase("chunked");
                    otherCoding = !chunked;
                }
            }
            lineStart = eol + 1;
        }
        return new HttpHead(method, target, status, reason, contentLength, chunked, otherCoding, badLength);
    }

    /**
     * True when {@code bytes[from, length)} starts like a request line of a method a client commonly sends (the
     * classifier's list), to find a message start again after lost bytes: {@code METHOD SP} and a target's first
     * character ({@code /}, {@code *}, or a letter for the absolute and authority forms).
     */
    static boolean looksLikeRequestLine(byte[] bytes, int from, int length) {
        for (String method : KNOWN_METHODS) {
            int after = from + method.length();
            if (after + 1 < length && startsWith(bytes, from, method) && bytes[after] == ' ') {
                byte first = bytes[after + 1];
                return first == '/' || first == '*' || Character.isLetterOrDigit(first);
            }
        }
        return false;
    }

    private static int methodEnd(byte[] bytes, int lineEnd) {
        for (int i = 0; i < Math.min(lineEnd, MAX_METHOD + 1); i++) {
            byte b = bytes[i];
            if (b == ' ') {
                return i > 0 ? i : -1;
            }
            if (!((b >= 'A' && b <= 'Z') || b == '-' || b == '_')) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isVersion(byte[] bytes, int from, int lineEnd) {
        return lineEnd - from == 8 && startsWith(bytes, from, "HTTP/1.") && isDigit(bytes[from + 7]);
    }

    private static long parseLength(byte[] bytes, int from, int to) {
        while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
            from++;
        }
        while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) {
            to--;
        }
        if (from == to || to - from > 13) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(bytes[i])) {
                return -1;
            }
            value = value * 10 + (bytes[i] - '0');
        }
        return value <= MAX_BODY ? value : -1;
    }

    private static boolean nameIs(byte[] bytes, int from, int to, String lowerName) {
        if (to - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            int b = bytes[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int trimCr(byte[] bytes, int eol) {
        return eol > 0 && bytes[eol - 1] == '\r' ? eol - 1 : eol;
    }

    private static boolean startsWith(byte[] bytes, int from, String prefix) {
        if (bytes.length - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static String ascii(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }

    void writeTo(DataOutput out) throws IOException {
        StateIO.writeString(out, method);
        StateIO.writeString(out, target);
        out.writeInt(status);
        StateIO.writeString(out, reason);
        out.writeLong(contentLength);
        out.writeBoolean(chunked);
        out.writeBoolean(otherCoding);
        out.writeBoolean(badLength);
    }

    static HttpHead readFrom(DataInput in) throws IOException {
        return new HttpHead(StateIO.readString(in), StateIO.readString(in), in.readInt(), StateIO.readString(in),
                in.readLong(), in.readBoolean(), in.readBoolean(), in.readBoolean());
    }
}
