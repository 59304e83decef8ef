package io.tapwire.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicBootstrapperIT {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
        admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    /** Config changes reach the broker's metadata cache asynchronously. */
    private static void awaitRetention(ConfigResource topic, String expected) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        String actual;
        do {
            actual = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("retention.ms").value();
            if (expected.equals(actual)) {
                return;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        assertThat(actual).as("retention.ms of " + topic.name()).isEqualTo(expected);
    }

    @Test
    void createsEveryTopicWithItsSettingsAndASecondRunChangesNothing() throws Exception {
        Properties props = new Properties();
        props.setProperty("tapwire.topics.partitions", "4");
        List<TopicSpec> plan = TopicSettings.fromProperties(props).plan();
        TopicBootstrapper bootstrapper = new TopicBootstrapper(admin, (short) 1);

        TopicBootstrapper.Report first = bootstrapper.ensure(plan);
        assertThat(first.created()).hasSize(TapwireTopic.values().length);

        Map<String, TopicDescription> described = admin.describeTopics(
                plan.stream().map(TopicSpec::name).toList()).allTopicNames().get();
        Map<ConfigResource, Config> configs = admin.describeConfigs(plan.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList()).all().get();
        for (TopicSpec spec : plan) {
            assertThat(described.get(spec.name()).partitions()).as(spec.name()).hasSize(4);
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.configs().forEach((name, value) ->
                    assertThat(actual.get(name).value()).as(spec.name() + " " + name).isEqualTo(value));
        }
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "tapwire.service.edges.v1"))
                .get("cleanup.policy").value()).isEqualTo("compact");

        TopicBootstrapper.Report second = bootstrapper.ensure(plan);
        assertThat(second.created()).isEmpty();
        assertThat(second.reconfigured()).isEmpty();
        assertThat(second.unchanged()).hasSize(plan.size());

        // Someone changed a retention by hand: the next run puts the documented value back.
        ConfigResource l7 = new ConfigResource(ConfigResource.Type.TOPIC, "tapwire.raw.l7.v1");
        admin.incrementalAlterConfigs(Map.of(l7, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get();
        awaitRetention(l7, "1000");
        TopicBootstrapper.Report third = bootstrapper.ensure(plan);
        assertThat(third.reconfigured()).containsExactly("tapwire.raw.l7.v1");
        awaitRetention(l7, String.valueOf(7L * 24 * 3600 * 1000));

        // A plan with another partition count must not silently re-key history.
        Properties more = new Properties();
        more.setProperty("tapwire.topics.partitions", "8");
        assertThatThrownBy(() -> bootstrapper.ensure(TopicSettings.fromProperties(more).plan()))
                .isInstanceOf(TopicBootstrapException.class)
                .hasMessageContaining("has 4 partitions but 8 are configured")
                .hasMessageContaining("tapwire.topics.");
        Map<String, Integer> counts = admin.describeTopics(plan.stream().map(TopicSpec::name).toList())
                .allTopicNames().get().values().stream()
                .collect(Collectors.toMap(TopicDescription::name, d -> d.partitions().size()));
        assertThat(counts.values()).containsOnly(4);
    }
}
