package io.tapwire.streams.l7.memcached;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One response line of memcached's text protocol, decoded as far as framing and status need.
 *
 * @param code       the first word: STORED, VALUE, END, VA, HD…, or "number" for the result of incr/decr
 * @param shape      how the response goes on after this line
 * @param dataLength bytes of the data block after the line (VALUE and VA; without its CR LF); -1 when none follows
 * @param failed     ERROR, CLIENT_ERROR or SERVER_ERROR
 * @param text       the line, for the error detail
 */
record ResponseLine(String code, Shape shape, long dataLength, boolean failed, String text) {

    enum Shape {
        /** The whole response (after its data block, for VA). */
        SINGLE,
        /** A line of a response that ends with END: VALUE (with a data block), STAT, ITEM. */
        PART,
        /** END: the end of a get or stats response (alone: a get that found nothing). */
        END
    }

    /** Longest error detail kept (memcached's messages are short; a longer line is cut). */
    private static final int MAX_TEXT = 200;

    private static final Set<String> SINGLE = Set.of("STORED", "NOT_STORED", "EXISTS", "NOT_FOUND", "DELETED",
            "TOUCHED", "OK", "RESET", "VERSION", "BUSY", "HD", "EN", "NF", "NS", "EX", "MN", "ME", "ERROR",
            "CLIENT_ERROR", "SERVER_ERROR");
    private static final Set<String> PARTS = Set.of("VALUE", "STAT", "ITEM");

    /** True when a line starting with {@code word} is a response memcached sends. */
    static boolean isResponseWord(String word) {
        return SINGLE.contains(word) || PARTS.contains(word) || word.equals("END") || word.equals("VA");
    }

    /** The response line (without its line end); null when it is none. */
    static ResponseLine decode(byte[] line) {
        String text = new String(line, StandardCharsets.ISO_8859_1);
        int space = text.indexOf(' ');
        String code = space < 0 ? text : text.substring(0, space);
        String detail = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        if (code.equals("END")) {
            return new ResponseLine(code, Shape.END, -1, false, detail);
        }
        if (code.equals("VALUE") || code.equals("VA")) {
            // VALUE <key> <flags> <bytes> [<cas>]; VA <bytes> <flags>*
            String[] tokens = text.split(" +", 6);
            int index = code.equals("VALUE") ? 3 : 1;
            long length = index < tokens.length ? parseLength(tokens[index]) : -1;
            if (length < 0) {
                return null;
            }
            return new ResponseLine(code, code.equals("VALUE") ? Shape.PART : Shape.SINGLE, length, false, detail);
        }
        if (PARTS.contains(code)) {
            return new ResponseLine(code, Shape.PART, -1, false, detail);
        }
        if (SINGLE.contains(code)) {
            boolean failed = code.equals("ERROR") || code.equals("CLIENT_ERROR") || code.equals("SERVER_ERROR");
            return new ResponseLine(code, Shape.SINGLE, -1, failed, detail);
        }
        if (isNumber(text)) {
            return new ResponseLine("number", Shape.SINGLE, -1, false, detail);
        }
        return null;
    }

    /** A data length memcached can send (an item is at most 1 GiB); -1 when it is none. */
    private static long parseLength(String token) {
        if (token.isEmpty() || token.length() > 10 || !isDigits(token)) {
            return -1;
        }
        long value = Long.parseLong(token);
        return value <= Integer.MAX_VALUE ? value : -1;
    }

    /** The result of incr/decr: an unsigned 64-bit number. */
    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.length() <= 20 && isDigits(text);
    }

    private static boolean isDigits(String token) {
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
