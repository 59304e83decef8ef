package io.tapwire.streams.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.schemas.keys.ListenerKey;
import org.junit.jupiter.api.Test;

class EndpointsTest {

    @Test
    void endpointsAreIpColonPortWithBracketsForIpv6() {
        assertThat(Endpoints.format("10.0.0.1", 80)).isEqualTo("10.0.0.1:80");
        assertThat(Endpoints.format("fd00::1", 443)).isEqualTo("[fd00::1]:443");
        assertThat(Endpoints.format("::ffff:127.0.0.1", 45635)).as("a dual-stack socket's IPv4 peer").isEqualTo("127.0.0.1:45635");
        assertThat(Endpoints.addressOf("[fd00::1]:443")).isEqualTo("fd00::1");
        assertThat(Endpoints.addressOf("10.0.0.1:80")).isEqualTo("10.0.0.1");
    }

    @Test
    void loopbackIsScopedToItsNodeAndNamespaceAndAnythingElseToTheCluster() {
        assertThat(Endpoints.scopedKey("prod", "n1", 42, "127.0.0.53", 53)).isEqualTo("prod/n1/42/127.0.0.53:53");
        assertThat(Endpoints.scopedKey("prod", "n1", 42, "::1", 53)).isEqualTo("prod/n1/42/[::1]:53");
        assertThat(Endpoints.scopedKey("prod", "n1", 42, "::ffff:127.0.0.1", 53)).isEqualTo("prod/n1/42/127.0.0.1:53");
        assertThat(Endpoints.scopedKey("prod", "n1", 42, "10.0.0.1", 80)).isEqualTo("prod/10.0.0.1:80");
        assertThat(Endpoints.scopedKey("prod", "n1", 42, "::FFFF:10.0.0.1", 80)).as("IPv4-mapped").isEqualTo("prod/10.0.0.1:80");
        assertThat(Endpoints.scopedKey(new ListenerKey("prod", "n1", 42, "[fd00::1]:443"))).isEqualTo("prod/[fd00::1]:443");
        assertThat(Endpoints.scopedKey(new ListenerKey("prod", "n1", 42, "127.0.0.1:8080"))).isEqualTo("prod/n1/42/127.0.0.1:8080");
    }
}
