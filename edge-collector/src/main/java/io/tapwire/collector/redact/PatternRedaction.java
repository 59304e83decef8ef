package io.tapwire.collector.redact;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configured regular expressions, for every protocol and direction: each is searched in the head and, separately,
 * in the tail, read as ISO-8859-1 so that one char is one byte and a match's indexes are byte indexes (no decoding,
 * so binary data cannot be garbled and nothing is written back from a String). A pattern with a capturing group
 * masks what group 1 matched, where it took part in the match; one without masks the whole match. A match cannot
 * span head and tail. Later patterns see the bytes earlier ones masked.
 *
 * <p>Cost: one regex search per pattern over the head and one over the tail, reading the bytes through a char view
 * (no copy); a pattern's own cost is the configuration's business (avoid nested quantifiers that backtrack).
 */
final class PatternRedaction implements Redaction {

    private final List<Pattern> patterns;

    PatternRedaction(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    @Override
    public void redact(CapturedPayload payload) {
        for (Pattern pattern : patterns) {
            maskMatches(pattern, payload.head(), payload.headLength(), payload, false);
            maskMatches(pattern, payload.tail(), payload.tailLength(), payload, true);
        }
    }

    private static void maskMatches(Pattern pattern, byte[] bytes, int length, CapturedPayload payload, boolean tail) {
        if (length == 0) {
            return;
        }
        Matcher matcher = pattern.matcher(new Latin1Chars(bytes, 0, length));
        boolean group = matcher.groupCount() >= 1;
        while (matcher.find()) {
            int start = group ? matcher.start(1) : matcher.start();
            int end = group ? matcher.end(1) : matcher.end();
            if (start < 0) {
                continue;
            }
            if (tail) {
                payload.maskTail(start, end);
            } else {
                payload.maskHead(start, end);
            }
        }
    }

    /** Bytes as chars, one to one (ISO-8859-1), without copying them. */
    private static final class Latin1Chars implements CharSequence {

        private final byte[] bytes;
        private final int offset;
        private final int length;

        Latin1Chars(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                throw new IndexOutOfBoundsException(index);
            }
            return (char) (bytes[offset + index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            if (start < 0 || end > length || start > end) {
                throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + length);
            }
            return new Latin1Chars(bytes, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
    }
}
