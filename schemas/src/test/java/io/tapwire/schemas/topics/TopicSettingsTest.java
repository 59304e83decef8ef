package io.tapwire.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class TopicSettingsTest {

    @Test
    void defaultsCoverEveryTopicWithItsDocumentedPolicy() {
        Map<String, TopicSpec> plan = byName(TopicSettings.defaults().plan());

        assertThat(plan).hasSize(TapwireTopic.values().length);
        assertThat(plan.values()).allSatisfy(s -> assertThat(s.partitions()).isEqualTo(12));
        assertThat(plan.get("tapwire.raw.l7.v1").configs())
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", String.valueOf(7L * 24 * 3600 * 1000))
                .containsEntry("retention.bytes", String.valueOf(8L * 1024 * 1024 * 1024));
        assertThat(plan.get("tapwire.processes.v1").configs())
                .containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms");
        assertThat(plan.get("tapwire.events.v1").configs())
                .containsEntry("retention.ms", String.valueOf(30L * 24 * 3600 * 1000))
                .containsEntry("retention.bytes", "-1");
    }

    @Test
    void overridesApplyGloballyAndPerTopic() {
        Properties props = new Properties();
        props.setProperty("tapwire.topics.partitions", "3");
        props.setProperty("tapwire.topics.raw.retention.ms", "3600000");
        props.setProperty("tapwire.topics.tapwire.raw.tcp.v1.retention.bytes", "1048576");
        props.setProperty("tapwire.topics.tapwire.dlq.v1.partitions", "1");

        Map<String, TopicSpec> plan = byName(TopicSettings.fromProperties(props).plan());

        assertThat(plan.get("tapwire.raw.l7.v1").partitions()).isEqualTo(3);
        assertThat(plan.get("tapwire.dlq.v1").partitions()).isEqualTo(1);
        assertThat(plan.get("tapwire.raw.l7.v1").configs()).containsEntry("retention.ms", "3600000");
        assertThat(plan.get("tapwire.raw.tcp.v1").configs()).containsEntry("retention.bytes", "1048576");
        assertThat(plan.get("tapwire.raw.l7.v1").configs()).containsEntry("retention.bytes", String.valueOf(8L << 30));
    }

    @Test
    void coPartitionedTopicsMustAgreeOnTheirPartitionCount() {
        Properties props = new Properties();
        props.setProperty("tapwire.topics.tapwire.raw.l7.v1.partitions", "6");

        assertThatThrownBy(() -> TopicSettings.fromProperties(props))
                .hasMessageContaining("tapwire.raw.tcp.v1")
                .hasMessageContaining("tapwire.raw.l7.v1")
                .hasMessageContaining("cluster/node/bootId/socketInode");
    }

    @Test
    void badSettingsAreRejectedByName() {
        assertThatThrownBy(() -> TopicSettings.fromProperties(props("tapwire.topics.partitions", "many")))
                .hasMessageContaining("tapwire.topics.partitions").hasMessageContaining("'many'");
        assertThatThrownBy(() -> TopicSettings.fromProperties(props("tapwire.topics.partitions", "0")))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> TopicSettings.fromProperties(props("tapwire.topics.tapwire.raw.nope.v1.partitions", "3")))
                .hasMessageContaining("unknown setting tapwire.topics.tapwire.raw.nope.v1.partitions");
        assertThatThrownBy(() -> TopicSettings.fromProperties(props("tapwire.topics.tapwire.raw.l7.v1.retention", "3")))
                .hasMessageContaining("unknown setting");
    }

    private static Properties props(String name, String value) {
        Properties props = new Properties();
        props.setProperty(name, value);
        return props;
    }

    private static Map<String, TopicSpec> byName(List<TopicSpec> specs) {
        return specs.stream().collect(Collectors.toMap(TopicSpec::name, Function.identity()));
    }
}
