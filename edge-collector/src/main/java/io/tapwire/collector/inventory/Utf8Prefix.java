package io.tapwire.collector.inventory;

import java.nio.charset.StandardCharsets;

/** Byte lengths and byte-bounded prefixes of strings in UTF-8, the encoding Avro writes them in. */
final class Utf8Prefix {

    private Utf8Prefix() {
    }

    static long byteLength(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of {@code text} whose UTF-8 encoding takes at most {@code maxBytes}, cut between code points. */
    static String of(String text, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int width = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + width > maxBytes) {
                break;
            }
            bytes += width;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
