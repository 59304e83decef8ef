package io.tapwire.collector.redact;

import static io.tapwire.collector.redact.Bytes.concat;
import static io.tapwire.collector.redact.Bytes.latin1;
import static io.tapwire.collector.redact.Bytes.maskingRange;
import static io.tapwire.collector.redact.Bytes.stars;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.l7.L7Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class MysqlAuthRedactionTest {

    private static final int HEAD = 16384;
    private static final int TAIL = 64;
    /** Packet header (4) + the handshake response's capability flags, max packet size, charset and filler (32). */
    private static final int KEPT = 36;

    private final Redactor defaults = Redactor.defaults();

    @Test
    void aHandshakeResponseKeepsItsFixedPartAndHasUserAuthResponseDatabasePluginAndAttributesMasked() {
        byte[] response = Captures.mariadbHandshakeResponse();
        Shipped shipped = Shipped.of(response, HEAD, TAIL);

        int masked = shipped.redactBy(defaults, L7Protocol.MYSQL, true);

        shipped.shouldEqual(Shipped.of(maskingRange(response, KEPT, response.length), HEAD, TAIL));
        assertThat(masked).isEqualTo(response.length - KEPT);
    }

    @Test
    void anAuthSwitchResponseIsMaskedWhole() {
        byte[] response = Captures.mariadbAuthSwitchResponse();
        Shipped shipped = Shipped.whole(response);

        shipped.redactBy(defaults, L7Protocol.MYSQL, true);

        shipped.shouldEqual(Shipped.whole(maskingRange(response, 4, response.length)));
    }

    @Test
    void anSslRequestAndACommandAreLeftAsTheyAre() {
        for (byte[] packet : List.of(Captures.mariadbSslRequest(), Captures.mariadbSelect1())) {
            Shipped shipped = Shipped.whole(packet);

            assertThat(shipped.redactBy(defaults, L7Protocol.MYSQL, true)).isZero();
            shipped.shouldEqual(Shipped.whole(packet));
        }
    }

    @Test
    void packetsBackToBackAreWalkedByLength() {
        byte[] handshake = Captures.mariadbHandshakeResponse();
        byte[] data = concat(handshake, Captures.mariadbSelect1(), Captures.mariadbAuthSwitchResponse());
        Shipped shipped = Shipped.whole(data);

        shipped.redactBy(defaults, L7Protocol.MYSQL, true);

        byte[] expected = maskingRange(maskingRange(data, KEPT, handshake.length), data.length - 20, data.length);
        shipped.shouldEqual(Shipped.whole(expected));
    }

    @Test
    void aChangeUserCommandHasEverythingAfterItsCommandByteMasked() {
        // COM_CHANGE_USER: 0x11, user, length-prefixed auth response, database, charset, plugin name
        byte[] payload = concat(latin1("\u0011app\u0000\u0014"), latin1("\u00ed\u00f3\u00b4\u0088".repeat(5)),
                latin1("orders\u0000!\u0000mysql_native_password\u0000"));
        byte[] packet = concat(new byte[] {(byte) payload.length, 0, 0, 0}, payload);
        Shipped shipped = Shipped.whole(packet);

        shipped.redactBy(defaults, L7Protocol.MYSQL, true);

        shipped.shouldEqual(Shipped.whole(maskingRange(packet, 5, packet.length)));
    }

    @Test
    void aHandshakeResponseWithoutProtocol41IsMaskedWhole() {
        // HandshakeResponse320: capability flags (2 bytes, no CLIENT_PROTOCOL_41), max packet size (3), user, auth
        byte[] payload = latin1("\u0085\u0000\u0000\u0000\u0001app_reporting\u0000scrambled-old-password-hash");
        byte[] packet = concat(new byte[] {(byte) payload.length, 0, 0, 1}, payload);
        Shipped shipped = Shipped.whole(packet);

        shipped.redactBy(defaults, L7Protocol.MYSQL, true);

        shipped.shouldEqual(Shipped.whole(maskingRange(packet, 4, packet.length)));
    }

    @Test
    void aHandshakeResponseRunningPastTheHeadIsMaskedToItsEndAndInTheTail() {
        byte[] response = Captures.mariadbHandshakeResponse();
        Shipped shipped = Shipped.of(response, 40, 16);

        shipped.redactBy(defaults, L7Protocol.MYSQL, true);

        shipped.shouldEqual(Shipped.of(maskingRange(response, KEPT, response.length), 40, 16));
        assertThat(shipped.tail()).isEqualTo(latin1(stars(16)));
    }

    @Test
    void theSecondPacketOfACommandOver16MiBIsNotTakenForAuthData() {
        byte[] head = concat(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0}, latin1("\u0003INSERT INTO blobs"));
        byte[] tail = concat(new byte[] {20, 0, 0, 1}, latin1("'), ('last row');   "));
        long count = 4 + 0xFFFFFFL + tail.length;

        int masked = defaults.redact(L7Protocol.MYSQL, true, count, head, head.length, tail, tail.length);

        assertThat(masked).isZero();
        assertThat(tail).isEqualTo(concat(new byte[] {20, 0, 0, 1}, latin1("'), ('last row');   ")));
    }

    @Test
    void switchedOffNothingIsMasked() {
        byte[] response = Captures.mariadbHandshakeResponse();
        Redactor noMysql = new Redactor(new RedactionRules(true, List.of("Cookie"), true, false, true, List.of()));
        Shipped shipped = Shipped.whole(response);

        assertThat(shipped.redactBy(noMysql, L7Protocol.MYSQL, true)).isZero();
        shipped.shouldEqual(Shipped.whole(response));
    }
}
