package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Start-up creates what is missing and refuses, with a message saying what to change, what cannot work. */
class RegistryStartupIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void createsACompactedOnePartitionStoreTopic() throws Exception {
        try (SchemaRegistryServer registry = builder("_schemas_created").build().start();
             Admin admin = admin()) {
            assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.port());
            var description = admin.describeTopics(List.of("_schemas_created")).allTopicNames().get()
                    .get("_schemas_created");
            assertThat(description.partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "_schemas_created");
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.listTopics().names().get()).contains("_schemas_created_leader");
        }
    }

    @Test
    void aTakenPortIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> builder("_schemas_port").port(taken.getLocalPort()).build().start())
                    .isInstanceOf(RegistryStartException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()))
                    .hasMessageContaining("in use");
        }
        // Nothing was left behind: the same topic starts fine afterwards.
        try (SchemaRegistryServer registry = builder("_schemas_port").build().start()) {
            assertThat(registry.isLeader()).isTrue();
        }
    }

    @Test
    void aStoreTopicWithSeveralPartitionsIsRefused() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("_schemas_two_partitions", 2, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        assertThatThrownBy(() -> builder("_schemas_two_partitions").build().start())
                .isInstanceOf(RegistryStartException.class)
                .hasMessageContaining("_schemas_two_partitions").hasMessageContaining("exactly 1");
    }

    @Test
    void aStoreTopicThatDeletesOldRecordsIsRefused() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("_schemas_delete_policy", 1, (short) 1))).all().get();
        }
        assertThatThrownBy(() -> builder("_schemas_delete_policy").build().start())
                .isInstanceOf(RegistryStartException.class)
                .hasMessageContaining("_schemas_delete_policy").hasMessageContaining("cleanup.policy=compact");
    }

    private static SchemaRegistryServer.Builder builder(String topic) {
        return SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers()).topic(topic).port(0);
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }
}
