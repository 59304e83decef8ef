package io.tapwire.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    @Test
    void defaultsRunExactlyOnceAgainstTheLocalStack() {
        StreamsSettings settings = StreamsSettings.fromProperties(new Properties());
        assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(settings.topic(TapwireTopic.PROCESSES)).isEqualTo("tapwire.processes.v1");
        assertThat(settings.processExitGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.processPublishInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.windows().size()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.windows().grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.windows().updateInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.heartbeatRelayInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.pairingWindow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.connectionIdleTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.edgeFlushInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void windowsAndWaitsAreConfigurable() {
        Properties props = new Properties();
        props.setProperty("tapwire.streams.window-size", "1m");
        props.setProperty("tapwire.streams.window-grace", "2m");
        props.setProperty("tapwire.streams.window-update-interval", "500ms");
        props.setProperty("tapwire.streams.heartbeat-relay-interval", "0s");
        props.setProperty("tapwire.streams.pairing-window", "10s");
        props.setProperty("tapwire.streams.connection-idle-timeout", "PT6H");
        props.setProperty("tapwire.streams.edge-flush-interval", "1m");
        props.setProperty("tapwire.streams.sync-resident-records", "500");

        StreamsSettings settings = StreamsSettings.fromProperties(props);

        assertThat(settings.windows().size()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.windows().grace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.windows().updateInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.heartbeatRelayInterval()).isZero();
        Properties tiny = new Properties();
        tiny.setProperty("tapwire.streams.window-size", "200ms");
        assertThat(StreamsSettings.fromProperties(tiny).windows().updateInterval())
                .as("no longer than a window by default").isEqualTo(Duration.ofMillis(200));
        assertThat(settings.pairingWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.connectionIdleTimeout()).isEqualTo(Duration.ofHours(6));
        assertThat(settings.edgeFlushInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.l7NameWait()).as("follows the pairing window").isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.streamsProperties()).as("read by every sync's store when it opens")
                .containsEntry(io.tapwire.streams.sync.HeldRecords.RESIDENT_RECORDS_CONFIG, "500");
    }

    @Test
    void kafkaSettingsPassThroughAsTheyAre() {
        Properties props = new Properties();
        props.setProperty("tapwire.streams.kafka.consumer.session.timeout.ms", "6000");
        props.setProperty("tapwire.streams.kafka.commit.interval.ms", "250");

        Properties streams = StreamsSettings.fromProperties(props).streamsProperties();

        assertThat(streams.get("consumer.session.timeout.ms")).isEqualTo("6000");
        assertThat(streams.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("250");
        assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }

    @Test
    void aReplayBesideTheLiveTopologyUsesItsOwnApplicationIdAndTopics() {
        Properties props = new Properties();
        props.setProperty("tapwire.streams.application-id", "tapwire-replay-1");
        props.setProperty("tapwire.streams.topic.tapwire.processes.v1", "replay.processes.v1");
        props.setProperty("tapwire.streams.dedup-retention", "5m");
        props.setProperty("tapwire.streams.process-exit-grace", "PT1M");
        props.setProperty("tapwire.streams.process-publish-interval", "0");

        StreamsSettings settings = StreamsSettings.fromProperties(props);

        assertThat(settings.streamsProperties().get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("tapwire-replay-1");
        assertThat(settings.topic(TapwireTopic.PROCESSES)).isEqualTo("replay.processes.v1");
        assertThat(settings.topic(TapwireTopic.RAW_PROCESS)).isEqualTo("tapwire.raw.process.v1");
        assertThat(settings.dedupRetention()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.processExitGrace()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.processPublishInterval()).as("every change, as a replay that diffs steps may want")
                .isZero();
    }

    @Test
    void badSettingsAreRejectedByName() {
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.threads", "0")))
                .hasMessageContaining("tapwire.streams.threads");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.dedup-retention", "ten minutes")))
                .hasMessageContaining("tapwire.streams.dedup-retention").hasMessageContaining("'ten minutes'");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.topic.tapwire.nope.v1", "x")))
                .hasMessageContaining("unknown topic");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.window-size", "0s")))
                .hasMessageContaining("tapwire.streams.window-size").hasMessageContaining("positive");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.window-grace", "5s")))
                .hasMessageContaining("tapwire.streams.window-grace").hasMessageContaining("tapwire.streams.pairing-window");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.window-update-interval", "20s")))
                .hasMessageContaining("tapwire.streams.window-update-interval").hasMessageContaining("window-size");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.process-publish-interval", "-1s")))
                .hasMessageContaining("tapwire.streams.process-publish-interval").hasMessageContaining("negative");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.heartbeat-relay-interval", "PT-1S")))
                .hasMessageContaining("tapwire.streams.heartbeat-relay-interval").hasMessageContaining("negative");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.l7-name-wait", "3s")))
                .hasMessageContaining("tapwire.streams.l7-name-wait").hasMessageContaining("pairing-window");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.l7-resources-per-service", "-1")))
                .hasMessageContaining("tapwire.streams.l7-resources-per-service");
        assertThatThrownBy(() -> StreamsSettings.fromProperties(props("tapwire.streams.sync-resident-records", "-1")))
                .hasMessageContaining("tapwire.streams.sync-resident-records").hasMessageContaining("negative");
    }

    private static Properties props(String name, String value) {
        Properties props = new Properties();
        props.setProperty(name, value);
        return props;
    }
}
