package io.tapwire.collector.redact;

/**
 * Redis, client direction: masks the arguments of {@code AUTH [user] password} and the two arguments after the
 * {@code AUTH} token of {@code HELLO protover AUTH user password [SETNAME name]}; command names and tokens compare
 * case-insensitively. Only argument bytes are masked, never a RESP {@code $len\r\n} header or CRLF, so the stream
 * side still parses the connection.
 *
 * <p>Commands are walked one after another, the way the server reads them. A command starting with {@code *} is a
 * RESP array of bulk strings, walked by its bulk lengths, so a pipelined command after a long value is reached even
 * when it lies in the tail. Any other command is inline: one line up to LF, split at blanks; of an inline AUTH
 * everything after the command name is masked (blanks and quotes included), of an inline HELLO the two tokens after
 * AUTH (a quoted token with its quotes).
 *
 * <p>When the walk loses track inside AUTH or HELLO (a bulk header in the unseen middle of the syscall), everything
 * after the last known position is masked, headers included, the whole tail too. An inline line cut that way inside
 * its secret arguments is masked to the head's end and in the tail up to its first LF, where the walk goes on. The
 * walk stops at an array or bulk header that is not a number and at an element that is not a bulk string. A command
 * whose name was not seen whole is not recognised; AUTH and HELLO open a connection, at the start of a write.
 *
 * <p>Cost: for a head of ordinary commands, one look at each array and bulk header, and a compare of each command
 * name against AUTH and HELLO; bulk contents are jumped over, not read. No allocation.
 */
final class RedisAuthRedaction implements Redaction {

    private static final byte[] AUTH = {'a', 'u', 't', 'h'};
    private static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};
    /** Digits of a RESP length: more would overflow a long, and no real length has them. */
    private static final int MAX_DIGITS = 18;
    private static final long LOST = -1;

    private enum Command { AUTH, HELLO, OTHER }

    @Override
    public void redact(CapturedPayload payload) {
        long position = 0;
        while (position >= 0 && position < payload.count()) {
            int first = payload.byteAt(position);
            if (first < 0) {
                return;
            }
            position = first == '*' ? array(payload, position) : inline(payload, position);
        }
    }

    /** Walks one RESP array of bulk strings; returns the position after it, or {@link #LOST}. */
    private static long array(CapturedPayload payload, long position) {
        long headerEnd = numberEnd(payload, position + 1);
        long elements = number(payload, position + 1, headerEnd);
        if (elements < 0) {
            return LOST;
        }
        position = headerEnd + 2;
        Command command = Command.OTHER;
        int secretsAfterAuthToken = 0;
        for (long i = 0; i < elements; i++) {
            long bulkHeaderEnd = payload.byteAt(position) == '$' ? numberEnd(payload, position + 1) : LOST;
            long length = number(payload, position + 1, bulkHeaderEnd);
            if (length < 0) {
                if (command != Command.OTHER) {
                    // Whatever follows may be a password whose position is unknown.
                    payload.mask(position, payload.count());
                }
                return LOST;
            }
            long start = bulkHeaderEnd + 2;
            long end = start + length;
            if (i == 0) {
                command = commandOf(payload, start, end);
            } else if (command == Command.AUTH || secretsAfterAuthToken > 0) {
                payload.mask(start, end);
                secretsAfterAuthToken = Math.max(0, secretsAfterAuthToken - 1);
            } else if (command == Command.HELLO && equalsIgnoreCase(payload, start, end, AUTH)) {
                secretsAfterAuthToken = 2;
            }
            position = end + 2;
        }
        return position;
    }

    /** Walks one inline command line; returns the position after its LF, or {@link #LOST}. */
    private static long inline(CapturedPayload payload, long position) {
        long nameStart = skipBlanks(payload, position);
        long nameEnd = tokenEnd(payload, nameStart);
        Command command = nameEnd < 0 ? Command.OTHER : commandOf(payload, nameStart, nameEnd);
        if (command == Command.AUTH) {
            long argumentsStart = skipBlanks(payload, nameEnd);
            long lineEnd = lineEnd(payload, argumentsStart);
            if (lineEnd < 0) {
                return maskCutLine(payload, argumentsStart);
            }
            payload.mask(argumentsStart, payload.byteAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd);
            return lineEnd + 1;
        }
        if (command == Command.HELLO) {
            return inlineHello(payload, nameEnd);
        }
        long lineEnd = lineEnd(payload, position);
        return lineEnd < 0 ? LOST : lineEnd + 1;
    }

    private static long inlineHello(CapturedPayload payload, long afterName) {
        int secrets = 0;
        long position = afterName;
        while (true) {
            long start = skipBlanks(payload, position);
            int first = payload.byteAt(start);
            if (first == '\n') {
                return start + 1;
            }
            long end = first < 0 ? -1 : tokenEnd(payload, start);
            if (end < 0) {
                return secrets > 0 ? maskCutLine(payload, start) : LOST;
            }
            if (secrets > 0) {
                payload.mask(start, end);
                secrets--;
            } else if (equalsIgnoreCase(payload, start, end, AUTH)) {
                secrets = 2;
            }
            position = end;
        }
    }

    /**
     * A secret inline line runs into bytes that were not kept: masks the rest of what is kept of it, up to the end of
     * the data when that is where it runs, else to the head's end and in the tail up to its first LF, where the line
     * ends at the latest. Returns the position after that LF, where the next command starts, or {@link #LOST}.
     */
    private static long maskCutLine(CapturedPayload payload, long from) {
        long cut = from;
        while (payload.byteAt(cut) >= 0) {
            cut++;
        }
        payload.mask(from, cut);
        if (cut >= payload.count() || payload.tailLength() == 0) {
            return LOST;
        }
        long tailLineEnd = lineEnd(payload, payload.tailStart());
        long end = tailLineEnd < 0 ? payload.count() : tailLineEnd;
        payload.mask(payload.tailStart(), payload.byteAt(end - 1) == '\r' ? end - 1 : end);
        return tailLineEnd < 0 ? LOST : tailLineEnd + 1;
    }

    private static Command commandOf(CapturedPayload payload, long start, long end) {
        if (equalsIgnoreCase(payload, start, end, AUTH)) {
            return Command.AUTH;
        }
        if (equalsIgnoreCase(payload, start, end, HELLO)) {
            return Command.HELLO;
        }
        return Command.OTHER;
    }

    /** True when the kept bytes {@code [start, end)} spell {@code lowerCase}, ignoring ASCII case. */
    private static boolean equalsIgnoreCase(CapturedPayload payload, long start, long end, byte[] lowerCase) {
        if (end - start != lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            int b = payload.byteAt(start + i);
            if (b < 0 || (b | 0x20) != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    /** Position of the CR of the CRLF ending a RESP number that starts at {@code from}, or {@link #LOST}. */
    private static long numberEnd(CapturedPayload payload, long from) {
        for (long i = from; i <= from + MAX_DIGITS; i++) {
            int b = payload.byteAt(i);
            if (b == '\r') {
                return payload.byteAt(i + 1) == '\n' ? i : LOST;
            }
            if (b < 0) {
                return LOST;
            }
        }
        return LOST;
    }

    /** The non-negative decimal number in {@code [from, end)}, or -1 when it is not one. */
    private static long number(CapturedPayload payload, long from, long end) {
        if (end <= from) {
            return -1;
        }
        long value = 0;
        for (long i = from; i < end; i++) {
            int b = payload.byteAt(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static long skipBlanks(CapturedPayload payload, long position) {
        while (isBlank(payload.byteAt(position))) {
            position++;
        }
        return position;
    }

    /**
     * End of the inline token starting at {@code start}: at the first blank or LF, or after the closing quote of
     * a quoted token (backslash escapes inside double quotes, as the server's argument splitter reads them); -1 when
     * the token runs into bytes that were not kept.
     */
    private static long tokenEnd(CapturedPayload payload, long start) {
        int quote = payload.byteAt(start);
        if (quote == '"' || quote == '\'') {
            for (long i = start + 1; ; i++) {
                int b = payload.byteAt(i);
                if (b < 0) {
                    return -1;
                }
                if (b == '\n') {
                    return i;
                }
                if (b == '\\' && quote == '"' && payload.byteAt(i + 1) != '\n') {
                    i++;
                } else if (b == quote) {
                    return i + 1;
                }
            }
        }
        for (long i = start; ; i++) {
            int b = payload.byteAt(i);
            if (b < 0) {
                // A token that runs to the end of the data ends there; one that runs into unseen bytes is cut.
                return i > start && i >= payload.count() ? i : -1;
            }
            if (isBlank(b) || b == '\n') {
                return i;
            }
        }
    }

    /** Position of the next LF at or after {@code from}, or {@link #LOST} when the kept bytes run out first. */
    private static long lineEnd(CapturedPayload payload, long from) {
        for (long i = from; ; i++) {
            int b = payload.byteAt(i);
            if (b == '\n') {
                return i;
            }
            if (b < 0) {
                return LOST;
            }
        }
    }

    /** Separators of inline arguments: the server splits at any isspace byte, so a CR before the LF is one too. */
    private static boolean isBlank(int b) {
        return b == ' ' || b == '\t' || b == '\r';
    }
}
