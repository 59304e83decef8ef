package io.tapwire.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.broker.FreePorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The API started before its Kafka cluster (pods start in any order): it reports DOWN, then UP once a broker with
 * the Tapwire topics appears at the configured address, without a restart.
 */
@QuarkusTest
@TestProfile(ApiStartedBeforeKafkaIT.KafkaNotYetUp.class)
class ApiStartedBeforeKafkaIT {

    public static class KafkaNotYetUp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, "127.0.0.1:" + FreePorts.pick(),
                    "tapwire.kafka.request-timeout", "1s");
        }
    }

    @ConfigProperty(name = KafkaSettings.BOOTSTRAP_SERVERS)
    String bootstrapServers;

    @Test
    void readinessTurnsUpOnceKafkaComesUpWithTheTopics() throws Exception {
        JsonPath before = ReadinessWait.untilStatus("DOWN");
        assertThat(before.getString("checks.find { it.name == 'kafka' }.data.error")).contains(bootstrapServers);

        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().brokerPort(port).build().start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TapwireKafkaCluster.createTopics(admin);

            JsonPath after = ReadinessWait.untilStatus("UP");
            assertThat(after.getLong("checks.find { it.name == 'kafka' }.data.topicsPresent")).isEqualTo(15);
        }
    }
}
