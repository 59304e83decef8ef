package io.tapwire.collector.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.l7.L7Protocol;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One syscall's data cut the way the kernel ships it: the first {@code headBytes} bytes, and the last bytes after
 * them up to {@code tailBytes}, only when the data is longer than the head; the middle is not shipped.
 */
record Shipped(long count, byte[] head, byte[] tail) {

    static Shipped of(byte[] data, int headBytes, int tailBytes) {
        int headLength = Math.min(headBytes, data.length);
        int tailLength = Math.min(tailBytes, data.length - headLength);
        return new Shipped(data.length, Arrays.copyOfRange(data, 0, headLength),
                Arrays.copyOfRange(data, data.length - tailLength, data.length));
    }

    /** The whole data in the head, nothing in the tail. */
    static Shipped whole(byte[] data) {
        return of(data, data.length, 0);
    }

    int redactBy(Redactor redactor, L7Protocol protocol, boolean fromClient) {
        return redactor.redact(protocol, fromClient, count, head, head.length, tail, tail.length);
    }

    /** Head and tail byte for byte as {@code expected}'s. */
    void shouldEqual(Shipped expected) {
        assertThat(count).isEqualTo(expected.count);
        assertThat(latin1(head)).as("head").isEqualTo(latin1(expected.head));
        assertThat(head).as("head").isEqualTo(expected.head);
        assertThat(latin1(tail)).as("tail").isEqualTo(latin1(expected.tail));
        assertThat(tail).as("tail").isEqualTo(expected.tail);
    }

    /** Readable in a failure message; the byte compare after it is the assertion that counts. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
