package io.tapwire.streams.l7.memcached;

import java.nio.charset.StandardCharsets;

import io.tapwire.streams.l7.parse.LineResynchroniser;

/**
 * The lines memcached's text protocol is found again at after the boundaries of a direction were lost ({@link
 * LineResynchroniser.LineStart}): one that starts with a command (requests) or a response word (responses).
 */
final class MessageStarts {

    /** The longest command or response word ("cache_memlimit", "CLIENT_ERROR") and the byte that ends it. */
    private static final int LONGEST_WORD = 15;

    private MessageStarts() {
    }

    static int request(byte[] bytes, int from, int length) {
        int wordEnd = wordEnd(bytes, from, length);
        if (wordEnd < 0) {
            return LineResynchroniser.MORE;
        }
        return MemcachedCommand.isCommand(word(bytes, from, wordEnd)) ? 0 : LineResynchroniser.NO;
    }

    static int response(byte[] bytes, int from, int length) {
        int wordEnd = wordEnd(bytes, from, length);
        if (wordEnd < 0) {
            return LineResynchroniser.MORE;
        }
        return ResponseLine.isResponseWord(word(bytes, from, wordEnd)) ? 0 : LineResynchroniser.NO;
    }

    /**
     * Where the word at {@code from} ends (a space or a line end); -1 when the bytes end first; {@code from} (an empty
     * word, no command) when it is longer than any command or response word.
     */
    private static int wordEnd(byte[] bytes, int from, int length) {
        for (int i = from; i < Math.min(length, from + LONGEST_WORD); i++) {
            if (bytes[i] == ' ' || bytes[i] == '\r' || bytes[i] == '\n') {
                return i;
            }
        }
        return length - from < LONGEST_WORD ? -1 : from;
    }

    private static String word(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
