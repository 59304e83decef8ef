package io.tapwire.collector.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Building test payloads and their expected masked form. */
final class Bytes {

    private Bytes() {
    }

    /** One byte per char (ISO-8859-1), so {@code "\u00d6"} is the byte 0xD6. */
    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * A copy of {@code data} with each of {@code secrets} replaced by as many {@code '*'}; the secrets are looked for
     * in order, each after the one before it.
     */
    static byte[] masking(byte[] data, String... secrets) {
        byte[] masked = data.clone();
        int from = 0;
        for (String secret : secrets) {
            int at = indexOf(masked, latin1(secret), from);
            assertThat(at).as("'%s' in the test data", secret).isNotNegative();
            Arrays.fill(masked, at, at + secret.length(), (byte) '*');
            from = at + secret.length();
        }
        return masked;
    }

    /** A copy of {@code data} with {@code [from, to)} set to {@code '*'}. */
    static byte[] maskingRange(byte[] data, int from, int to) {
        byte[] masked = data.clone();
        Arrays.fill(masked, from, to, (byte) '*');
        return masked;
    }

    static String stars(int count) {
        return "*".repeat(count);
    }

    static int indexOf(byte[] data, byte[] part, int from) {
        for (int i = from; i + part.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }
}
