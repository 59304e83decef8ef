package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.tapwire.collector.bpf.L7CaptureSettings;
import io.tapwire.schemas.settings.TypedProperties;
import org.junit.jupiter.api.Test;

class CollectorSettingsTest {

    @Test
    void defaultsPointAtTheLocalStackAndExcludeTapwireItself() {
        CollectorSettings settings = CollectorSettings.from(new TypedProperties(new Properties()));
        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.registryUrl()).isEqualTo("http://127.0.0.1:8081");
        assertThat(settings.excludedPids()).contains((int) ProcessHandle.current().pid());
        assertThat(settings.excludedLocalPorts()).containsExactlyInAnyOrder(9092, 8081);
        assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.metricsPort()).isEqualTo(9464);
        assertThat(settings.producer().compression()).isEqualTo("zstd");
        assertThat(settings.producer().compressionLevel()).isEqualTo(1);
    }

    @Test
    void theProducersCompressionCanBeChanged() {
        Properties props = new Properties();
        props.setProperty("tapwire.collector.producer-compression", "LZ4");
        assertThat(CollectorSettings.from(new TypedProperties(props)).producer().compression()).isEqualTo("lz4");
        assertThat(CollectorSettings.from(new TypedProperties(props)).producer().compressionLevel())
                .as("Kafka's default level for lz4 unless set (zstd's level 1 is not lz4's)").isNull();
        props.setProperty("tapwire.collector.producer-compression", "zstd");
        props.setProperty("tapwire.collector.producer-compression-level", "-1");
        assertThat(CollectorSettings.from(new TypedProperties(props)).producer().compressionLevel()).isEqualTo(-1);
    }

    @Test
    void aCompressionLevelOutsideTheCodecsRangeFailsNamingTheSetting() {
        Properties props = new Properties();
        props.setProperty("tapwire.collector.producer-compression", "lz4");
        props.setProperty("tapwire.collector.producer-compression-level", "18");
        assertThatThrownBy(() -> CollectorSettings.from(new TypedProperties(props)))
                .hasMessage("tapwire.collector.producer-compression-level must be 1 to 17 for lz4, was 18");
        props.setProperty("tapwire.collector.producer-compression", "snappy");
        props.setProperty("tapwire.collector.producer-compression-level", "3");
        assertThatThrownBy(() -> CollectorSettings.from(new TypedProperties(props)))
                .hasMessage("tapwire.collector.producer-compression-level must be unset: snappy has no levels, was 3");
        props.setProperty("tapwire.collector.producer-compression", "zstd");
        props.setProperty("tapwire.collector.producer-compression-level", "99999999999");
        assertThatThrownBy(() -> CollectorSettings.from(new TypedProperties(props)))
                .hasMessage("tapwire.collector.producer-compression-level must be a level of zstd, was 99999999999");
    }

    @Test
    void remoteKafkaAndRegistryPortsAreNotExcludedButConfiguredOnesAre() {
        Properties props = new Properties();
        props.setProperty("tapwire.kafka.bootstrap-servers", "kafka-0.kafka:9092,kafka-1.kafka:9092");
        props.setProperty("tapwire.registry.url", "http://registry:8081");
        props.setProperty("tapwire.collector.exclude-ports", "5000, 5001");
        props.setProperty("tapwire.collector.exclude-pids", "1234");
        props.setProperty("tapwire.collector.exclude-self", "false");
        CollectorSettings settings = CollectorSettings.from(new TypedProperties(props));
        assertThat(settings.excludedLocalPorts()).containsExactlyInAnyOrder(5000, 5001);
        assertThat(settings.excludedPids()).containsExactly(1234);
    }

    @Test
    void withoutItsChildrenTheCollectorsProcessIsExcludedAlone() {
        int self = (int) ProcessHandle.current().pid();
        Properties props = new Properties();
        props.setProperty("tapwire.collector.exclude-self-children", "false");
        CollectorSettings settings = CollectorSettings.from(new TypedProperties(props));
        assertThat(settings.excludedPids()).doesNotContain(self);
        assertThat(settings.excludedPidsAlone()).containsExactly(self);

        props.setProperty("tapwire.collector.exclude-self", "false");
        assertThat(CollectorSettings.from(new TypedProperties(props)).excludedPidsAlone()).isEmpty();
    }

    @Test
    void environmentVariablesConfigureTheCollector() {
        TypedProperties p = TypedProperties.layered(new Properties(), CollectorSettings.NAMES,
                Map.of("TAPWIRE_COLLECTOR_CLUSTER", "prod-eu", "TAPWIRE_COLLECTOR_TCP_RING_BUFFER_BYTES", "4MiB"),
                new Properties());
        CollectorSettings settings = CollectorSettings.from(p);
        assertThat(settings.cluster()).isEqualTo("prod-eu");
        assertThat(settings.probes().tcpRingBufferBytes()).isEqualTo(4 << 20);
    }

    @Test
    void payloadCaptureAndRedactionHaveSafeDefaultsAndCanBeChanged() {
        CollectorSettings defaults = CollectorSettings.from(new TypedProperties(new Properties()));
        assertThat(defaults.probes().l7()).isEqualTo(L7CaptureSettings.DEFAULTS);
        assertThat(defaults.probes().l7().headBytes()).isEqualTo(1024);
        assertThat(defaults.probes().l7().tailBytes()).isEqualTo(64);
        assertThat(defaults.redaction().enabled()).isTrue();
        assertThat(defaults.redaction().httpHeaders())
                .containsExactlyInAnyOrder("Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization");

        Properties props = new Properties();
        props.setProperty("tapwire.collector.l7-head-bytes", "4KiB");
        props.setProperty("tapwire.collector.l7-tail-bytes", "128");
        props.setProperty("tapwire.collector.redaction-http-headers", "Authorization, X-Api-Key");
        props.setProperty("tapwire.collector.redaction-pattern", "(?i)password=([^&\\s]*)");
        props.setProperty("tapwire.collector.redaction-redis-auth", "false");
        CollectorSettings changed = CollectorSettings.from(new TypedProperties(props));
        assertThat(changed.probes().l7().headBytes()).isEqualTo(4096);
        assertThat(changed.probes().l7().tailBytes()).isEqualTo(128);
        assertThat(changed.redaction().httpHeaders()).containsExactly("Authorization", "X-Api-Key");
        assertThat(changed.redaction().patterns()).singleElement().extracting(java.util.regex.Pattern::pattern)
                .isEqualTo("(?i)password=([^&\\s]*)");
        assertThat(changed.redaction().redisAuth()).isFalse();
    }

    @Test
    void badSettingsFailNamingTheSetting() {
        for (List<String> bad : List.of(
                List.of("tapwire.collector.tcp-ring-buffer-bytes", "3000", "power of two"),
                List.of("tapwire.collector.heartbeat-interval", "0s", "tapwire.collector.heartbeat-interval"),
                List.of("tapwire.collector.exclude-pids", "12,abc", "tapwire.collector.exclude-pids"),
                List.of("tapwire.collector.metrics-port", "99999", "tapwire.collector.metrics-port"),
                List.of("tapwire.collector.l7-head-bytes", "32KiB", "tapwire.collector.l7-head-bytes must be 1 to 16384"),
                List.of("tapwire.collector.l7-tail-bytes", "2000", "tapwire.collector.l7-tail-bytes must be 0 to 1024"),
                List.of("tapwire.collector.l7-ring-buffer-bytes", "5000", "tapwire.collector.l7-ring-buffer-bytes"),
                List.of("tapwire.collector.redaction-pattern", "password=(", "tapwire.collector.redaction-pattern"),
                List.of("tapwire.collector.redaction-http-headers", "Cookie,Bad Header", "Bad Header"),
                List.of("tapwire.collector.producer-compression", "brotli",
                        "tapwire.collector.producer-compression must be one of lz4, zstd, snappy, gzip, none"))) {
            Properties props = new Properties();
            props.setProperty(bad.get(0), bad.get(1));
            assertThatThrownBy(() -> CollectorSettings.from(new TypedProperties(props))).as(bad.get(0))
                    .hasMessageContaining(bad.get(2));
        }
    }
}
