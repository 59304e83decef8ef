package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class RegistryServerMainTest {

    @Test
    void bootstrapServersAreRequired() {
        assertThatThrownBy(() -> RegistryServerMain.parse(new String[] {"--port", "8081"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--bootstrap-servers");
    }

    @Test
    void badOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> RegistryServerMain.parse(new String[] {"--bootstrap-servers", "b:9092", "--port", "x"}))
                .hasMessageContaining("--port").hasMessageContaining("'x'");
        assertThatThrownBy(() -> RegistryServerMain.parse(new String[] {"--bootstrap-servers", "b:9092", "--colour", "red"}))
                .hasMessageContaining("--colour");
        assertThatThrownBy(() -> RegistryServerMain.parse(new String[] {"--bootstrap-servers"}))
                .hasMessageContaining("Missing value");
        assertThatThrownBy(() -> RegistryServerMain.parse(new String[] {"--bootstrap-servers", "b:9092", "--port", "70000"}))
                .hasMessageContaining("port");
    }

    @Test
    void everyDocumentedOptionIsAccepted() {
        assertThatCode(() -> RegistryServerMain.parse(new String[] {"--bootstrap-servers", "b:9092", "--host", "0.0.0.0",
                "--port", "0", "--topic", "_s", "--replication-factor", "3", "--advertised-url", "http://r:8081"})
                .build()).doesNotThrowAnyException();
    }
}
