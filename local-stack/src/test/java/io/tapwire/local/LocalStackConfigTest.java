package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

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

    @Test
    void aNewDataFolderGetsOnePartitionPerTopic() {
        assertThat(LocalStackConfig.parse().topicsFor(List.of()).plan())
                .isNotEmpty().allSatisfy(topic -> assertThat(topic.partitions()).as(topic.name()).isEqualTo(1));
    }

    @Test
    void aDataFolderWrittenWithThreePartitionsKeepsThemUnlessTheUserSetsACount() {
        assertThat(LocalStackConfig.parse().topicsFor(List.of(3, 3, 3)).plan())
                .allSatisfy(topic -> assertThat(topic.partitions()).as(topic.name()).isEqualTo(3));
        // a count given wins, and the topic bootstrap then refuses the folder with its own message
        assertThat(LocalStackConfig.parse("--set", "tapwire.topics.partitions=6").topicsFor(List.of(3, 3)).plan())
                .allSatisfy(topic -> assertThat(topic.partitions()).isEqualTo(6));
        assertThat(LocalStackConfig.parse("--set", "tapwire.topics.tapwire.dlq.v1.partitions=2").topicsFor(List.of(3))
                .plan()).filteredOn(topic -> topic.name().equals("tapwire.dlq.v1")).singleElement()
                .satisfies(topic -> assertThat(topic.partitions()).isEqualTo(2));
        // a folder whose topics disagree is not guessed at
        assertThat(LocalStackConfig.parse().topicsFor(List.of(3, 2)).plan())
                .allSatisfy(topic -> assertThat(topic.partitions()).isEqualTo(1));
    }
}
