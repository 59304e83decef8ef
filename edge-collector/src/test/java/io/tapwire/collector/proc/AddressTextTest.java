package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressTextTest {

    @Test
    void ipv4FromProcfsHexIsByteReversed() {
        assertThat(AddressText.of(AddressText.ipv4FromProcHex("0100007F"))).isEqualTo("127.0.0.1");
        assertThat(AddressText.of(AddressText.ipv4FromProcHex("020200C0"))).isEqualTo("192.0.2.2");
        assertThat(AddressText.of(AddressText.ipv4FromProcHex("00000000"))).isEqualTo("0.0.0.0");
    }

    @Test
    void ipv6FromProcfsHexIsReversedPerWord() {
        assertThat(AddressText.of(AddressText.ipv6FromProcHex("00000000000000000000000001000000"))).isEqualTo("::1");
        assertThat(AddressText.of(AddressText.ipv6FromProcHex("00000000000000000000000000000000"))).isEqualTo("::");
        assertThat(AddressText.of(AddressText.ipv6FromProcHex("000000FD000000000000000002000000")))
                .isEqualTo("fd00::2");
    }

    @Test
    void ipv4MappedStaysIpv6() {
        assertThat(AddressText.of(AddressText.ipv6FromProcHex("0000000000000000FFFF00000100007F")))
                .isEqualTo("::ffff:127.0.0.1");
    }

    @Test
    void ifInet6HexIsNetworkOrder() {
        assertThat(AddressText.of(AddressText.ipv6FromNetworkOrderHex("fe8000000000000000fc00fffe000001")))
                .isEqualTo("fe80::fc:ff:fe00:1");
    }

    @Test
    void ipv6TextFollowsRfc5952() throws Exception {
        assertThat(text("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(text("2001:db8:0:1:0:0:0:1")).isEqualTo("2001:db8:0:1::1");
        assertThat(text("2001:0:0:1:0:0:0:0")).isEqualTo("2001:0:0:1::");
        assertThat(text("1:0:1:0:1:0:1:0")).isEqualTo("1:0:1:0:1:0:1:0");
        assertThat(text("ABCD:0:0:0:0:0:0:0")).isEqualTo("abcd::");
        assertThat(text("0:0:0:0:0:0:0:2")).isEqualTo("::2");
    }

    @Test
    void wrongLengthsAreRejected() {
        assertThatThrownBy(() -> AddressText.of(new byte[5])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressText.ipv4FromProcHex("123")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressText.ipv4FromDottedQuad("1.2.3.256"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String text(String address) throws Exception {
        return AddressText.of(InetAddress.getByName(address).getAddress());
    }
}
