package io.tapwire.local;

import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.compat.ReleasedSchemas;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.SubjectSetup;
import io.tapwire.schemas.topics.TopicBootstrapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The whole Tapwire stack in one process, started in data-flow order and stopped in reverse. Today: the
 * embedded broker with every topic, and the schema registry with every subject's compatibility level and every
 * released schema; later issues add the topology, the API and the collector.
 */
public final class LocalStack implements AutoCloseable {

    private final LocalStackConfig config;
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryServer registry;
    private TopicBootstrapper.Report topics;
    private int releasedSchemas;

    public LocalStack(LocalStackConfig config) {
        this.config = config;
    }

    public LocalStack start() {
        try {
            broker = EmbeddedKafkaBroker.builder()
                    .dataDir(config.dataDir())
                    .brokerPort(config.kafkaPort())
                    .controllerPort(config.controllerPort())
                    .build()
                    .start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                topics = new TopicBootstrapper(admin, (short) 1).ensure(config.topics().plan());
            }
            registry = SchemaRegistryServer.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .port(config.registryPort())
                    .build()
                    .start();
            releasedSchemas = SubjectSetup.apply(new RegistryClient(RegistryClientConfig.of(registry.url())),
                    ReleasedSchemas.fromClasspath());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** Released schema versions registered at this start. */
    public int releasedSchemas() {
        return releasedSchemas;
    }

    /** What the topic bootstrap did at this start. */
    public TopicBootstrapper.Report topics() {
        return topics;
    }

    public LocalStackConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
