package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
    void environmentVariablesConfigureTheCollector() {
        TypedProperties p = TypedProperties.layered(new Properties(), CollectorSettings.NAMES,
                Map.of("TAPWIRE_COLLECTOR_CLUSTER", "prod-eu", "TAPWIRE_COLLECTOR_TCP_RING_BUFFER_BYTES", "4MiB"),
                new Properties());
        CollectorSettings settings = CollectorSettings.from(p);
        assertThat(settings.cluster()).isEqualTo("prod-eu");
        assertThat(settings.probes().tcpRingBufferBytes()).isEqualTo(4 << 20);
    }

    @Test
    void badSettingsFailNamingTheSetting() {
        for (List<String> bad : List.of(
                List.of("tapwire.collector.tcp-ring-buffer-bytes", "3000", "power of two"),
                List.of("tapwire.collector.heartbeat-interval", "0s", "tapwire.collector.heartbeat-interval"),
                List.of("tapwire.collector.exclude-pids", "12,abc", "tapwire.collector.exclude-pids"),
                List.of("tapwire.collector.metrics-port", "99999", "tapwire.collector.metrics-port"))) {
            Properties props = new Properties();
            props.setProperty(bad.get(0), bad.get(1));
            assertThatThrownBy(() -> CollectorSettings.from(new TypedProperties(props))).as(bad.get(0))
                    .hasMessageContaining(bad.get(2));
        }
    }
}
