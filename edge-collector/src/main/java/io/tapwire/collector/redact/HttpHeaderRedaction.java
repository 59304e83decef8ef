package io.tapwire.collector.redact;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.x, both directions: masks the value of every header field whose name is one of the configured names
 * (case-insensitive), from its first non-blank byte to the end of the line (CR LF or a bare LF; the CR and LF stay).
 * A folded continuation line (obsolete line folding, RFC 9112 §5.2) after a masked line is masked too.
 *
 * <p>In the head, messages are followed one after another (pipelining), each from its start line through its header
 * block to the empty line that ends it (RFC 9112 §2.1), and only header lines are looked at. What comes after a
 * header block depends on what the head alone can tell about the body (RFC 9112 §6.3):
 * <ul>
 *   <li>a request with Content-Length: the body is skipped by that length, never looked at, and the next request's
 *       header block follows;</li>
 *   <li>a request with neither Content-Length nor Transfer-Encoding, and a 1xx (but 101), 204 or 304 response: no
 *       body, the next message follows;</li>
 *   <li>anything else: a transfer-coded (chunked) body; any other response, since a response to HEAD carries a
 *       Content-Length but no body and only the request would tell; a header block whose start line was not seen.
 *       The rest of the head is then looked at line by line as if every line could be a header line, so a pipelined
 *       message after a body of unknown length is never missed; a body line that happens to read
 *       {@code Cookie: ...} is masked too.</li>
 * </ul>
 *
 * <p>The tail is looked at line by line the same conservative way: every line that starts with a configured name
 * and a colon, whole or cut by the tail's end, has its value masked. Its first line depends on how the head ended:
 * <ul>
 *   <li>the head ended inside the value of a configured header (no line end after the colon within the head): the
 *       head is masked to its end (but for a CR as its last byte, most likely half of a CR LF), and the tail from
 *       its start up to its first line end, whether or not bytes between head and tail went unseen, because the
 *       value may run on into the tail;</li>
 *   <li>the head ended inside what may be the name of a configured header (the unfinished last line is a prefix of
 *       {@code name:}): when the tail follows the head directly the line is read across both and masked only if it is
 *       such a header; when bytes went unseen in between, the tail's first line is masked;</li>
 *   <li>the head ended inside any other line: when the tail follows directly, its first line is the rest of that line
 *       and is skipped; when bytes went unseen, the first line may be a whole line and is looked at like the others.
 *       It is not masked for what the unseen bytes may have held: a secret header that starts there is not
 *       visible;</li>
 *   <li>the head ended inside a request body of known length: when the tail follows directly, the rest of the body is
 *       skipped; else every tail line is looked at.</li>
 * </ul>
 *
 * <p>Cost: one pass over the head's bytes looking for line ends (eight bytes per step), a table lookup on each
 * line's first byte, and a byte compare against the configured names only for lines whose first byte starts one of
 * them; no allocation per line; one small object per call, and one more, no longer than a name plus the tail's
 * first line, when a header name is split between head and tail.
 */
final class HttpHeaderRedaction implements Redaction {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] CONTENT_LENGTH = lowerCaseAscii("Content-Length");
    private static final byte[] TRANSFER_ENCODING = lowerCaseAscii("Transfer-Encoding");
    /** More digits than a long holds without overflow: no body is that long. */
    private static final int MAX_LENGTH_DIGITS = 18;

    private final byte[][] names;
    private final boolean[] nameStarts = new boolean[256];

    /** @param headerNames field names, validated by {@link RedactionRules} */
    HttpHeaderRedaction(List<String> headerNames) {
        this.names = new byte[headerNames.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = lowerCaseAscii(headerNames.get(i));
            nameStarts[names[i][0]] = true;
            nameStarts[Character.toUpperCase(names[i][0])] = true;
        }
    }

    @Override
    public void redact(CapturedPayload payload) {
        Scan scan = new Scan(payload);
        scan.head();
        if (payload.tailLength() > 0) {
            scan.tail();
        }
    }

    /** Where the head ended, which decides how the tail's first line is read. */
    private enum HeadEnd { LINE_START, OPEN_LINE, OPEN_NAME, OPEN_SECRET_VALUE, IN_BODY }

    /** What the line-by-line walk of the head is in. */
    private enum Section { HEADERS, BODY, EVERY_LINE }

    private enum MessageKind { REQUEST, RESPONSE, UNKNOWN }

    /** One call's walk: the head, then the tail. */
    private final class Scan {

        private final CapturedPayload payload;
        private HeadEnd headEnd = HeadEnd.LINE_START;
        /** OPEN_NAME: where the head's unfinished last line starts. */
        private int openLineStart;
        /** IN_BODY: bytes of the body after the head. */
        private long bodyLeft;
        /** The last line seen was a masked header, so a folded line after it continues a secret. */
        private boolean afterSecretLine;

        // The message whose header block the walk is in.
        private boolean expectStartLine = true;
        private MessageKind kind = MessageKind.UNKNOWN;
        private int status = -1;
        private long contentLength = -1;
        private boolean lengthUnknown;

        Scan(CapturedPayload payload) {
            this.payload = payload;
        }

        void head() {
            byte[] head = payload.head();
            int length = payload.headLength();
            Section section = Section.HEADERS;
            int position = 0;
            while (position < length) {
                if (section == Section.BODY) {
                    if (bodyLeft >= length - position) {
                        bodyLeft -= length - position;
                        headEnd = HeadEnd.IN_BODY;
                        return;
                    }
                    position += (int) bodyLeft;
                    section = nextMessage();
                    continue;
                }
                int lineFeed = indexOf(head, LF, position, length);
                if (lineFeed < 0) {
                    openLine(head, position, length);
                    return;
                }
                int end = contentEnd(head, position, lineFeed);
                if (end == position) {
                    afterSecretLine = false;
                    // Empty lines before a start line are allowed (RFC 9112 §2.2) and end nothing.
                    if (section == Section.HEADERS && !expectStartLine) {
                        section = afterHeaderBlock();
                    }
                } else {
                    afterSecretLine = maskIfSecret(head, position, end, afterSecretLine, false);
                    if (section == Section.HEADERS) {
                        readFraming(head, position, end);
                    }
                }
                position = lineFeed + 1;
            }
            headEnd = section == Section.BODY ? HeadEnd.IN_BODY : HeadEnd.LINE_START;
        }

        void tail() {
            byte[] tail = payload.tail();
            int length = payload.tailLength();
            boolean follows = payload.tailFollowsHead();
            int position = 0;
            boolean secret = follows && headEnd == HeadEnd.LINE_START && afterSecretLine;
            switch (headEnd) {
                case OPEN_SECRET_VALUE -> {
                    position = maskFirstTailLine(tail, length, 0);
                    secret = true;
                }
                case OPEN_NAME -> {
                    int valueStart = follows ? valueStartAcross(tail, length) : 0;
                    position = valueStart < 0
                            ? afterFirstLine(tail, length)
                            : maskFirstTailLine(tail, length, valueStart);
                    secret = valueStart >= 0;
                }
                case OPEN_LINE -> position = follows ? afterFirstLine(tail, length) : 0;
                case IN_BODY -> position = follows ? (int) Math.min(bodyLeft, length) : 0;
                case LINE_START -> position = 0;
            }
            while (position < length) {
                int lineFeed = indexOf(tail, LF, position, length);
                int lineEnd = lineFeed < 0 ? length : lineFeed;
                int end = contentEnd(tail, position, lineEnd);
                secret = end > position && maskIfSecret(tail, position, end, secret, true);
                if (lineFeed < 0) {
                    return;
                }
                position = lineFeed + 1;
            }
        }

        /** The head's last line has no line end in the head. */
        private void openLine(byte[] head, int start, int length) {
            // A CR at the very end is most likely the first half of CR LF: it stays.
            int end = contentEnd(head, start, length);
            if (end > start && maskIfSecret(head, start, end, afterSecretLine, false)) {
                headEnd = HeadEnd.OPEN_SECRET_VALUE;
            } else if (end > start && couldStartSecretName(head, start, end)) {
                headEnd = HeadEnd.OPEN_NAME;
                openLineStart = start;
            } else {
                headEnd = HeadEnd.OPEN_LINE;
            }
        }

        /**
         * Masks the value of the line {@code [start, end)} (line end excluded) when it is a configured header or a
         * folded continuation of one; returns whether it was.
         */
        private boolean maskIfSecret(byte[] bytes, int start, int end, boolean afterSecret, boolean inTail) {
            int valueStart;
            if (bytes[start] == ' ' || bytes[start] == '\t') {
                if (!afterSecret) {
                    return false;
                }
                valueStart = skipBlanks(bytes, start, end);
            } else {
                valueStart = secretValueStart(bytes, start, end);
                if (valueStart < 0) {
                    return false;
                }
            }
            if (inTail) {
                payload.maskTail(valueStart, end);
            } else {
                payload.maskHead(valueStart, end);
            }
            return true;
        }

        /** Start line and body framing of the message whose header block the line {@code [start, end)} is in. */
        private void readFraming(byte[] head, int start, int end) {
            if (expectStartLine) {
                expectStartLine = false;
                kind = kindOf(head, start, end);
                status = kind == MessageKind.RESPONSE ? statusOf(head, start, end) : -1;
                return;
            }
            int value = valueStart(head, start, end, CONTENT_LENGTH);
            if (value >= 0) {
                long parsed = parseLength(head, value, end);
                if (parsed < 0 || contentLength >= 0 && contentLength != parsed) {
                    lengthUnknown = true;
                }
                contentLength = parsed;
            } else if (valueStart(head, start, end, TRANSFER_ENCODING) >= 0) {
                // Chunked or anything else: the body's end is in the body, which this walk does not parse.
                lengthUnknown = true;
            }
        }

        private Section afterHeaderBlock() {
            if (kind == MessageKind.REQUEST && !lengthUnknown) {
                if (contentLength > 0) {
                    bodyLeft = contentLength;
                    return Section.BODY;
                }
                return nextMessage();
            }
            boolean noBody = status >= 100 && status < 200 && status != 101 || status == 204 || status == 304;
            if (kind == MessageKind.RESPONSE && noBody) {
                return nextMessage();
            }
            return Section.EVERY_LINE;
        }

        private Section nextMessage() {
            expectStartLine = true;
            kind = MessageKind.UNKNOWN;
            status = -1;
            contentLength = -1;
            lengthUnknown = false;
            bodyLeft = 0;
            return Section.HEADERS;
        }

        /** Masks the tail from {@code from} to its first line end; returns where the next line starts. */
        private int maskFirstTailLine(byte[] tail, int length, int from) {
            int lineFeed = indexOf(tail, LF, 0, length);
            int lineEnd = lineFeed < 0 ? length : lineFeed;
            payload.maskTail(from, contentEnd(tail, 0, lineEnd));
            return lineFeed < 0 ? length : lineFeed + 1;
        }

        /**
         * OPEN_NAME and the tail follows the head: reads the line across both; the tail index where a configured
         * header's value starts, or -1 when the line is no such header.
         */
        private int valueStartAcross(byte[] tail, int length) {
            int lineFeed = indexOf(tail, LF, 0, length);
            int tailPart = contentEnd(tail, 0, lineFeed < 0 ? length : lineFeed);
            int headPart = payload.headLength() - openLineStart;
            byte[] line = new byte[headPart + tailPart];
            System.arraycopy(payload.head(), openLineStart, line, 0, headPart);
            System.arraycopy(tail, 0, line, headPart, tailPart);
            int valueStart = secretValueStart(line, 0, line.length);
            return valueStart < 0 ? -1 : Math.max(0, valueStart - headPart);
        }
    }

    /** Where the value of a configured header starts on the line {@code [start, end)}, or -1. */
    private int secretValueStart(byte[] bytes, int start, int end) {
        if (start >= end || !nameStarts[bytes[start] & 0xFF]) {
            return -1;
        }
        for (byte[] name : names) {
            int value = valueStart(bytes, start, end, name);
            if (value >= 0) {
                return value;
            }
        }
        return -1;
    }

    /** The unfinished line {@code [start, end)} is a prefix of {@code name:} (blanks allowed before the colon). */
    private boolean couldStartSecretName(byte[] bytes, int start, int end) {
        int length = end - start;
        for (byte[] name : names) {
            if (length <= name.length) {
                if (equalsIgnoreCase(bytes, start, name, length)) {
                    return true;
                }
            } else if (equalsIgnoreCase(bytes, start, name, name.length)
                    && skipBlanks(bytes, start + name.length, end) == end) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the value starts when the line {@code [start, end)} is the field {@code lowerName}: after the colon and
     * the blanks after it; -1 when it is another line. Blanks before the colon are accepted (a server must reject
     * them, RFC 9112 §5.1, but the bytes were sent all the same).
     */
    private static int valueStart(byte[] bytes, int start, int end, byte[] lowerName) {
        if (end - start <= lowerName.length || !equalsIgnoreCase(bytes, start, lowerName, lowerName.length)) {
            return -1;
        }
        int colon = skipBlanks(bytes, start + lowerName.length, end);
        if (colon >= end || bytes[colon] != ':') {
            return -1;
        }
        return skipBlanks(bytes, colon + 1, end);
    }

    private static boolean equalsIgnoreCase(byte[] bytes, int start, byte[] lowerName, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[start + i];
            if (b != lowerName[i] && toLowerAscii(b) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private static MessageKind kindOf(byte[] bytes, int start, int end) {
        if (startsWith(bytes, start, end, "HTTP/")) {
            return MessageKind.RESPONSE;
        }
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
        int version = end - " HTTP/1.x".length();
        boolean request = version > start && startsWith(bytes, version, end, " HTTP/1.");
        return request ? MessageKind.REQUEST : MessageKind.UNKNOWN;
    }

    /** The status code of a status line, or -1. */
    private static int statusOf(byte[] bytes, int start, int end) {
        int code = indexOf(bytes, (byte) ' ', start, end) + 1;
        if (code <= 0 || end - code < 3) {
            return -1;
        }
        int status = 0;
        for (int i = code; i < code + 3; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return -1;
            }
            status = status * 10 + bytes[i] - '0';
        }
        return status;
    }

    /** A Content-Length value: digits and trailing blanks; -1 when it is anything else (a list, a sign, garbage). */
    private static long parseLength(byte[] bytes, int start, int end) {
        int digitsEnd = start;
        long value = 0;
        while (digitsEnd < end && bytes[digitsEnd] >= '0' && bytes[digitsEnd] <= '9') {
            value = value * 10 + bytes[digitsEnd] - '0';
            digitsEnd++;
        }
        if (digitsEnd == start || digitsEnd - start > MAX_LENGTH_DIGITS || skipBlanks(bytes, digitsEnd, end) != end) {
            return -1;
        }
        return value;
    }

    private static boolean startsWith(byte[] bytes, int start, int end, String prefix) {
        if (end - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** End of a line's content: before the CR of a CR LF ending at {@code lineEnd}. */
    private static int contentEnd(byte[] bytes, int start, int lineEnd) {
        return lineEnd > start && bytes[lineEnd - 1] == CR ? lineEnd - 1 : lineEnd;
    }

    private static int afterFirstLine(byte[] bytes, int length) {
        int lineFeed = indexOf(bytes, LF, 0, length);
        return lineFeed < 0 ? length : lineFeed + 1;
    }

    /**
     * The first {@code value} in {@code [from, to)}, or -1. Eight bytes per step: the walk looks for every line end
     * of the head, bodies included, and this search is most of its time.
     */
    static int indexOf(byte[] bytes, byte value, int from, int to) {
        long pattern = ONES * (value & 0xFF);
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long word = (long) LONGS.get(bytes, i) ^ pattern;
            // A byte of word is 0 where bytes holds value. The lowest flag is always a true 0 byte (borrows only
            // flag bytes above one), and little-endian loading makes the lowest byte the first in the array.
            long zeros = (word - ONES) & ~word & HIGHS;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static int skipBlanks(byte[] bytes, int from, int end) {
        int i = from;
        while (i < end && (bytes[i] == ' ' || bytes[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static byte toLowerAscii(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    private static byte[] lowerCaseAscii(String name) {
        return name.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }
}
