package io.tapwire.api;

import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** A real broker with every Tapwire topic ({@value TapwireKafkaCluster#PARTITIONS} partitions each) and a registry. */
final class DerivedTopicsCluster implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryServer registry;

    DerivedTopicsCluster() {
        broker = EmbeddedKafkaBroker.builder().build().start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TapwireKafkaCluster.createTopics(admin);
        }
        registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers()).port(0).build().start();
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    String registryUrl() {
        return registry.url();
    }

    DerivedTopicsWriter writer() {
        return new DerivedTopicsWriter(bootstrapServers(), registryUrl());
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
