package io.tapwire.collector.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class MysqlAuthMaskingTest {

    private static final byte[] NONE = new byte[0];

    /** A packet: 3-byte little-endian length, sequence id, payload. */
    private static byte[] packet(int sequence, byte[] payload) {
        byte[] packet = new byte[4 + payload.length];
        packet[0] = (byte) payload.length;
        packet[1] = (byte) (payload.length >> 8);
        packet[2] = (byte) (payload.length >> 16);
        packet[3] = (byte) sequence;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    /** A handshake response: 32 bytes of capabilities and filler, then user, auth response and plugin. */
    private static byte[] handshakeResponse() {
        byte[] fixed = new byte[32];
        fixed[0] = (byte) 0x85;
        byte[] rest = "tapwire\0\u0014secret-scramble-0123tapwire\0mysql_native_password\0".getBytes(StandardCharsets.ISO_8859_1);
        byte[] payload = Arrays.copyOf(fixed, 32 + rest.length);
        System.arraycopy(rest, 0, payload, 32, rest.length);
        return payload;
    }

    private static byte[] query(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.ISO_8859_1);
        byte[] payload = new byte[1 + text.length];
        payload[0] = 0x03;
        System.arraycopy(text, 0, payload, 1, text.length);
        return packet(0, payload);
    }

    @Test
    void aServerReadingHeadersAndPayloadsApartHasTheHandshakeMaskedAndItsQueriesNot() {
        MysqlAuthMasking masking = new MysqlAuthMasking();
        byte[] response = packet(1, handshakeResponse());
        byte[] header = Arrays.copyOf(response, 4);
        byte[] body = Arrays.copyOfRange(response, 4, response.length);
        byte[] bodyCopy = body.clone();

        assertThat(masking.mask(7, 0, 4, header, NONE)).isZero();
        int masked = masking.mask(7, 4, body.length, body, NONE);

        assertThat(masked).isEqualTo(body.length - 32);
        assertThat(Arrays.copyOf(body, 32)).as("capabilities kept").isEqualTo(Arrays.copyOf(bodyCopy, 32));
        assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain("secret").doesNotContain("tapwire");

        byte[] command = query("SELECT 1");
        long at = response.length;
        byte[] commandHeader = Arrays.copyOf(command, 4);
        byte[] commandBody = Arrays.copyOfRange(command, 4, command.length);
        assertThat(masking.mask(7, at, 4, commandHeader, NONE)).isZero();
        assertThat(masking.mask(7, at + 4, commandBody.length, commandBody, NONE)).isZero();
        assertThat(new String(commandBody, StandardCharsets.ISO_8859_1)).endsWith("SELECT 1");
    }

    @Test
    void aClientWritingWholePacketsHasEveryAuthenticationRoundMasked() {
        MysqlAuthMasking masking = new MysqlAuthMasking();
        byte[] response = packet(1, handshakeResponse());
        byte[] switchResponse = packet(3, "another-secret".getBytes(StandardCharsets.ISO_8859_1));
        byte[] command = query("SELECT 2");

        assertThat(masking.mask(9, 0, response.length, response, NONE)).isEqualTo(response.length - 36);
        assertThat(masking.mask(9, response.length, switchResponse.length, switchResponse, NONE)).isEqualTo(14);
        assertThat(new String(switchResponse, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
        assertThat(masking.mask(9, response.length + switchResponse.length, command.length, command, NONE)).isZero();
        assertThat(new String(command, StandardCharsets.ISO_8859_1)).endsWith("SELECT 2");
    }

    @Test
    void aConnectionSeenAfterItsStartIsLeftAlone() {
        MysqlAuthMasking masking = new MysqlAuthMasking();
        byte[] command = query("SELECT 3");
        assertThat(masking.mask(11, 5000, command.length, command, NONE)).isZero();
    }

    @Test
    void lostFramingDuringAuthenticationMasksEverythingAfter() {
        MysqlAuthMasking masking = new MysqlAuthMasking();
        byte[] response = packet(1, handshakeResponse());
        masking.mask(13, 0, response.length, response, NONE);
        byte[] later = query("SELECT 4");
        // The capture skipped 10 bytes: the next header is unknown.
        assertThat(masking.mask(13, response.length + 10, later.length, later, NONE)).isEqualTo(later.length);
    }

    @Test
    void aTailBeyondTheHeadIsMaskedToo() {
        MysqlAuthMasking masking = new MysqlAuthMasking();
        byte[] response = packet(1, handshakeResponse());
        byte[] head = Arrays.copyOf(response, 40);
        byte[] tail = Arrays.copyOfRange(response, response.length - 10, response.length);
        int masked = masking.mask(15, 0, response.length, head, tail);
        assertThat(masked).isEqualTo(4 + 10);
        assertThat(new String(tail, StandardCharsets.ISO_8859_1)).isEqualTo("*".repeat(10));
    }
}
