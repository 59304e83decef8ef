package io.tapwire.api;

import java.util.Map;
import java.util.Properties;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real single-node Kafka cluster with every Tapwire topic, started before the application and pointed to by
 * {@value KafkaSettings#BOOTSTRAP_SERVERS}. Topics get {@value #PARTITIONS} partitions, not the default 12, so a test
 * can tell the broker's count from the default (and creation is quicker).
 */
public class TapwireKafkaCluster implements QuarkusTestResourceLifecycleManager {

    static final int PARTITIONS = 3;

    private EmbeddedKafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafkaBroker.builder().build().start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            createTopics(admin);
        }
        return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers());
    }

    /** Creates (or restores) every Tapwire topic, the way the stack's bootstrapper does. */
    static void createTopics(Admin admin) {
        Properties settings = new Properties();
        settings.setProperty(TopicSettings.PREFIX + "partitions", String.valueOf(PARTITIONS));
        new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(settings).plan());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
