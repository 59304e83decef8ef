package io.tapwire.local;

import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.schemas.topics.TopicBootstrapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The whole Tapwire stack in one process, started in data-flow order and stopped in reverse. Today: the
 * embedded broker with every topic; later issues add the registry, the topology, the API and the collector.
 */
public final class LocalStack implements AutoCloseable {

    private final LocalStackConfig config;
    private EmbeddedKafkaBroker broker;
    private TopicBootstrapper.Report topics;

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
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
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
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
