package io.tapwire.schemas.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class TypedPropertiesTest {

    @Test
    void valuesAreReadInTheirDocumentedForms() {
        TypedProperties p = props("d1", "30s", "d2", "PT10M", "d3", "500ms", "d4", "2h", "b1", "8MiB", "b2", "64k",
                "b3", "1048576", "l", "a, b,,c", "t", "yes", "n", "42", "d5", "0");
        assertThat(p.duration("d1", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.duration("d2", null)).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.duration("d3", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.duration("d4", null)).isEqualTo(Duration.ofHours(2));
        assertThat(p.duration("d5", null)).isZero();
        assertThat(p.bytes("b1", 0)).isEqualTo(8L << 20);
        assertThat(p.bytes("b2", 0)).isEqualTo(64L << 10);
        assertThat(p.bytes("b3", 0)).isEqualTo(1L << 20);
        assertThat(p.list("l", List.of())).containsExactly("a", "b", "c");
        assertThat(p.bool("t", false)).isTrue();
        assertThat(p.positive("n", 1)).isEqualTo(42);
        assertThat(p.duration("missing", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void badValuesNameTheSettingAndTheValue() {
        TypedProperties p = props("d", "ten minutes", "b", "lots", "n", "-3", "t", "maybe", "port", "70000");
        assertThatThrownBy(() -> p.duration("d", null)).hasMessage("d must be a duration such as 30s, 10m, 500ms or PT10M, was 'ten minutes'");
        assertThatThrownBy(() -> p.bytes("b", 0)).hasMessageContaining("b must be a size").hasMessageContaining("'lots'");
        assertThatThrownBy(() -> p.positive("n", 1)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> p.bool("t", false)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> p.port("port", 1)).hasMessageContaining("port number");
    }

    @Test
    void environmentVariablesOverrideTheFileAndSystemPropertiesOverrideBoth() {
        Properties file = new Properties();
        file.setProperty("tapwire.collector.ring-buffer-bytes", "1MiB");
        file.setProperty("tapwire.collector.cluster", "from-file");
        Properties system = new Properties();
        system.setProperty("tapwire.collector.cluster", "from-system");
        TypedProperties p = TypedProperties.layered(file,
                List.of("tapwire.collector.ring-buffer-bytes", "tapwire.collector.cluster"),
                Map.of("TAPWIRE_COLLECTOR_RING_BUFFER_BYTES", "4MiB", "TAPWIRE_COLLECTOR_CLUSTER", "from-env"), system);
        assertThat(p.bytes("tapwire.collector.ring-buffer-bytes", 0)).isEqualTo(4L << 20);
        assertThat(p.string("tapwire.collector.cluster", null)).isEqualTo("from-system");
    }

    private static TypedProperties props(String... pairs) {
        Properties props = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            props.setProperty(pairs[i], pairs[i + 1]);
        }
        return new TypedProperties(props);
    }
}
