package io.tapwire.api.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tapwire.api.KafkaSettings;
import io.tapwire.api.ReadModelSettings;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real broker with every Tapwire topic and a registry, holding a dataset written before the API starts (the API
 * reads the derived topics from their earliest offsets). Each dataset has a subclass that writes it.
 */
public abstract class DatasetFixture implements QuarkusTestResourceLifecycleManager {

    private EmbeddedKafkaBroker broker;
    private SchemaRegistryServer registry;
    private Path stateDir;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafkaBroker.builder().build().start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Properties settings = new Properties();
            settings.setProperty(TopicSettings.PREFIX + "partitions", "3");
            new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(settings).plan());
        }
        registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers()).port(0).build().start();
        try (UiRecordWriter writer = new UiRecordWriter(broker.bootstrapServers(), registry.url())) {
            write(writer, System.currentTimeMillis());
        }
        try {
            stateDir = Files.createTempDirectory("tapwire-ui-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(KafkaSettings.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                "tapwire.registry.url", registry.url(),
                ReadModelSettings.STATE_DIR, stateDir.toString());
    }

    /** Writes the dataset, its times relative to now (epoch ms). */
    protected abstract void write(UiRecordWriter writer, long now);

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (stateDir != null) {
            try (Stream<Path> files = Files.walk(stateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
