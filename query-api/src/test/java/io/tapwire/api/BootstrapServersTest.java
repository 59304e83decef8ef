package io.tapwire.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BootstrapServersTest {

    @Test
    void acceptsACommaSeparatedHostPortListAndTrimsSpaces() {
        assertThat(BootstrapServers.parse("kafka-0.kafka:9092, 10.0.0.7:9093,[::1]:9094"))
                .containsExactly("kafka-0.kafka:9092", "10.0.0.7:9093", "[::1]:9094");
    }

    @Test
    void rejectsAnEntryWithoutAPortNamingTheSettingAndTheEntry() {
        assertThatThrownBy(() -> BootstrapServers.parse("127.0.0.1:9092,kafka"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tapwire.kafka.bootstrap-servers")
                .hasMessageContaining("'kafka' is not host:port");
    }

    @Test
    void rejectsAPortThatIsNotANumberOrOutOfRange() {
        assertThatThrownBy(() -> BootstrapServers.parse("kafka:http")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> BootstrapServers.parse("kafka:70000")).hasMessageContaining("outside 1-65535");
    }

    @Test
    void rejectsAnEmptyList() {
        assertThatThrownBy(() -> BootstrapServers.parse(" ")).hasMessageContaining("it is empty");
    }
}
