package io.tapwire.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import io.tapwire.collector.app.Collector;
import io.tapwire.collector.app.CollectorSettings;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.local.demo.Demo;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.compat.ReleasedSchemas;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.SubjectSetup;
import io.tapwire.schemas.settings.TypedProperties;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.streams.app.StreamsSettings;
import io.tapwire.streams.app.TopologyRunner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The whole Tapwire stack in one process, started in data-flow order and stopped in reverse: the embedded broker
 * with every topic, the schema registry with every subject's compatibility level and every released schema, the
 * topology, the query API (a child process) and the collector for this machine (each of the last three can be left
 * out), and with {@code --demo} real servers with clients sending requests.
 */
public final class LocalStack implements AutoCloseable {

    /** How long the topology may take to join its group and run (it creates its internal topics first). */
    static final Duration TOPOLOGY_START = Duration.ofSeconds(120);

    private final LocalStackConfig config;
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryServer registry;
    private TopicBootstrapper.Report topics;
    private int releasedSchemas;
    private TopologyRunner topology;
    private ApiProcess api;
    private Collector collector;
    private Demo demo;

    public LocalStack(LocalStackConfig config) {
        this.config = config;
    }

    public LocalStack start() {
        DataFormat.check(config.dataDir());
        try {
            broker = EmbeddedKafkaBroker.builder()
                    .dataDir(config.dataDir())
                    .brokerPort(config.kafkaPort())
                    .controllerPort(config.controllerPort())
                    .build()
                    .start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                topics = new TopicBootstrapper(admin, (short) 1).ensure(config.topicsFor(existingPartitions(admin)).plan());
            }
            registry = SchemaRegistryServer.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .port(config.registryPort())
                    .build()
                    .start();
            releasedSchemas = SubjectSetup.apply(new RegistryClient(RegistryClientConfig.of(registry.url())),
                    ReleasedSchemas.fromClasspath());
            Properties components = config.componentSettings(broker.bootstrapServers(), registry.url());
            if (config.topology()) {
                topology = ComponentStartException.wrap("the topology",
                        () -> new TopologyRunner(StreamsSettings.fromProperties(components)).start(TOPOLOGY_START));
            }
            if (config.api() != null) {
                api = ApiProcess.start(config.api(), components, config.dataDir());
            }
            if (config.collector()) {
                Properties collectorSettings = withApiExcluded(components);
                collector = ComponentStartException.wrap("the collector",
                        () -> Collector.start(CollectorSettings.from(new TypedProperties(collectorSettings))));
            }
            if (config.demo() != null) {
                // after the collector, so it sees the demo's servers start and every request
                demo = ComponentStartException.wrap("the demo", () -> Demo.start(config.demo()));
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

    public String registryUrl() {
        return registry.url();
    }

    /**
     * The collector's settings with the API's process excluded when the collector excludes Tapwire's own: the API
     * started before the collector, so the kernel did not make it inherit this process's exclusion (and with
     * {@code exclude-self-children=false} nothing would).
     */
    private Properties withApiExcluded(Properties components) {
        Properties settings = new Properties();
        settings.putAll(components);
        if (api != null && CollectorSettings.from(new TypedProperties(components)).excludeSelf()) {
            String pids = settings.getProperty("tapwire.collector.exclude-pids", "").strip();
            settings.setProperty("tapwire.collector.exclude-pids", pids.isEmpty() ? String.valueOf(api.pid())
                    : pids + "," + api.pid());
        }
        return settings;
    }

    /** Released schema versions registered at this start. */
    public int releasedSchemas() {
        return releasedSchemas;
    }

    /** What the topic bootstrap did at this start. */
    /** The partition counts of the Tapwire topics the broker already has (those of a data folder used before). */
    private static List<Integer> existingPartitions(Admin admin) {
        try {
            Set<String> names = new HashSet<>(admin.listTopics().names().get());
            names.retainAll(Arrays.stream(TapwireTopic.values()).map(TapwireTopic::topicName).toList());
            List<Integer> counts = new ArrayList<>();
            admin.describeTopics(names).allTopicNames().get().values()
                    .forEach(description -> counts.add(description.partitions().size()));
            return counts;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the topics the data folder holds: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the topics the data folder holds", e);
        }
    }

    public TopicBootstrapper.Report topics() {
        return topics;
    }

    public LocalStackConfig config() {
        return config;
    }

    /** The collector, when it runs in the stack. */
    public Optional<Collector> collector() {
        return Optional.ofNullable(collector);
    }

    /** The API's base address (it serves the UI too), when the API runs in the stack. */
    public Optional<String> apiUrl() {
        return Optional.ofNullable(api).map(ApiProcess::url);
    }

    /** The API's process id (benchmarks read its CPU time and memory), when the API runs in the stack. */
    public Optional<Long> apiPid() {
        return Optional.ofNullable(api).map(ApiProcess::pid);
    }

    /** Whether the topology runs in the stack. */
    public boolean topologyRunning() {
        return topology != null;
    }

    /** The demo's servers and clients, when started with {@code --demo}. */
    public Optional<Demo> demo() {
        return Optional.ofNullable(demo);
    }

    @Override
    public void close() {
        if (demo != null) {
            demo.close();
            demo = null;
        }
        if (collector != null) {
            collector.close();
            collector = null;
        }
        if (api != null) {
            api.close();
            api = null;
        }
        if (topology != null) {
            topology.close();
            topology = null;
        }
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
