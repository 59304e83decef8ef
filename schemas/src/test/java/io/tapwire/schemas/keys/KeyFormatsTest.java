package io.tapwire.schemas.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class KeyFormatsTest {

    /** Components with the characters that must survive: slashes in service ids, percent signs, IPv6 colons. */
    private static final String SERVICE = "/k8s/shop/100%-cart";
    private static final String OTHER = "/system.slice/postgresql@15-main.service";

    @Test
    void everyKeyParsesBackWhatItPrints() {
        assertRoundTrip(new NodeKey("prod-eu", "node-1"), NodeKey::format, NodeKey::parse);
        assertRoundTrip(new NodePidKey("prod-eu", "node/1", 4242), NodePidKey::format, NodePidKey::parse);
        assertRoundTrip(new ConnectionKey("prod", "n1", "0f3a-b2", 123456789L), ConnectionKey::format, ConnectionKey::parse);
        assertRoundTrip(new ProcessKey("prod", "n1", "boot", 77, 9_999_999L), ProcessKey::format, ProcessKey::parse);
        assertRoundTrip(new ListenerKey("prod", "n1", 4026531840L, "[::1]:5432"), ListenerKey::format, ListenerKey::parse);
        assertRoundTrip(new L7MetricKey("client", SERVICE, OTHER, "10.0.0.1:5432", "postgres", "42P01", 1_700_000_000_000L),
                L7MetricKey::format, L7MetricKey::parse);
        assertRoundTrip(new TcpMetricKey(SERVICE, "10.0.0.1:80", "10.0.0.1:80", 1_700_000_000_000L),
                TcpMetricKey::format, TcpMetricKey::parse);
        assertRoundTrip(new ServiceEdgeKey(SERVICE, OTHER), ServiceEdgeKey::format, ServiceEdgeKey::parse);
        assertRoundTrip(new ServiceKey(SERVICE), ServiceKey::format, ServiceKey::parse);
        assertRoundTrip(new ProfileKey("%2F/literal", 60_000L), ProfileKey::format, ProfileKey::parse);
        assertRoundTrip(new DeadLetterKey("tapwire.raw.l7.v1", 3, 1234L), DeadLetterKey::format, DeadLetterKey::parse);
    }

    @Test
    void keysAreReadablePlainStringsInTheDocumentedFormat() {
        assertThat(new ConnectionKey("prod", "node-1", "b00t", 5551).format()).isEqualTo("prod/node-1/b00t/5551");
        assertThat(new ServiceEdgeKey("/host/curl", "/system.slice/nginx.service").format())
                .isEqualTo("%2Fhost%2Fcurl/%2Fsystem.slice%2Fnginx.service");
        assertThat(new ServiceKey("50%").format()).isEqualTo("50%25");
        assertThat(new NodeKey("c", "").format()).isEqualTo("c/");
        assertThat(NodeKey.parse("c/")).isEqualTo(new NodeKey("c", ""));
    }

    @Test
    void malformedKeysAreRejectedNamingTheFormat() {
        assertThatThrownBy(() -> ConnectionKey.parse("prod/node/boot"))
                .isInstanceOf(KeyFormatException.class)
                .hasMessageContaining("3 components").hasMessageContaining(ConnectionKey.FORMAT);
        assertThatThrownBy(() -> ConnectionKey.parse("prod/node/boot/notanumber"))
                .isInstanceOf(KeyFormatException.class).hasMessageContaining("socketInode");
        assertThatThrownBy(() -> ServiceKey.parse("bad%2"))
                .isInstanceOf(KeyFormatException.class).hasMessageContaining("invalid escape");
        assertThatThrownBy(() -> ServiceKey.parse("bad%41"))
                .isInstanceOf(KeyFormatException.class).hasMessageContaining("%41");
        assertThatThrownBy(() -> NodeKey.parse(null)).isInstanceOf(KeyFormatException.class);
    }

    @Test
    void escapesAreAcceptedInEitherCase() {
        assertThat(ServiceKey.parse("%2fhost%2fcurl")).isEqualTo(new ServiceKey("/host/curl"));
    }

    private static <K> void assertRoundTrip(K key, Function<K, String> print, Function<String, K> parse) {
        String printed = print.apply(key);
        assertThat(parse.apply(printed)).as(printed).isEqualTo(key);
        assertThat(print.apply(parse.apply(printed))).isEqualTo(printed);
        assertThat(key.toString()).isEqualTo(printed);
        List<String> components = List.of(printed.split("/", -1));
        assertThat(components).as("components of " + printed).allSatisfy(c -> assertThat(c).doesNotContain("/"));
    }
}
