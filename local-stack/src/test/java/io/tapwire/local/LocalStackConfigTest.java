package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.tapwire.streams.app.StreamsSettings;
import org.junit.jupiter.api.Test;

/** The settings the local stack chooses for one node, and that a user's own settings win over them. */
class LocalStackConfigTest {

    @Test
    void theTopologyRelaysHeartbeatsAndUpdatesMetricsAsOftenAsTheCollectorSendsHeartbeats() {
        StreamsSettings streams = StreamsSettings.fromProperties(LocalStackConfig.parse().settings());
        assertThat(LocalStackConfig.parse().settings().getProperty("tapwire.collector.heartbeat-interval"))
                .isEqualTo("500ms");
        assertThat(streams.heartbeatRelayInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(streams.windows().updateInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aUsersOwnIntervalsWin() {
        LocalStackConfig config = LocalStackConfig.parse("--set", "tapwire.streams.heartbeat-relay-interval=2s",
                "--set", "tapwire.streams.window-update-interval=1s");
        StreamsSettings streams = StreamsSettings.fromProperties(config.settings());
        assertThat(streams.heartbeatRelayInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(streams.windows().updateInterval()).isEqualTo(Duration.ofSeconds(1));
    }
}
