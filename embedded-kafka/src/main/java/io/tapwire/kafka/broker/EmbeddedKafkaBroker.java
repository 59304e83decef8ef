package io.tapwire.kafka.broker;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker and controller) running in this JVM.
 *
 * <p>Used by the local stack, with a persistent data folder and fixed ports, and by integration tests, with
 * a temporary folder and free ports. Storage is formatted on first start only, so a restart on the same folder
 * keeps every record. The quorum is static ({@code controller.quorum.voters}), so the controller port may
 * differ between restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final int PORT_ATTEMPTS = 5;

    private final Path dataDir;
    private final boolean temporaryDataDir;
    private final Map<String, String> overrides;
    private final int requestedBrokerPort;
    private final int requestedControllerPort;
    private final Duration startTimeout;

    private KafkaRaftServer server;
    private int brokerPort;
    private int controllerPort;

    private EmbeddedKafkaBroker(Builder builder) {
        this.temporaryDataDir = builder.dataDir == null;
        this.dataDir = temporaryDataDir ? createTempDir() : builder.dataDir.toAbsolutePath();
        this.overrides = Map.copyOf(builder.overrides);
        this.requestedBrokerPort = builder.brokerPort;
        this.requestedControllerPort = builder.controllerPort;
        this.startTimeout = builder.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data folder if it is new, starts the broker and waits until it answers metadata requests.
     * Ports given as 0 are picked free; if another process takes one in the moment between picking and binding,
     * new ports are picked and the start is retried.
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            throw new IllegalStateException("broker already started on " + bootstrapServers());
        }
        for (int attempt = 1; ; attempt++) {
            brokerPort = requestedBrokerPort == 0 ? FreePorts.pick() : requestedBrokerPort;
            controllerPort = requestedControllerPort == 0 ? FreePorts.pick(brokerPort) : requestedControllerPort;
            try {
                startOnce();
                return this;
            } catch (RuntimeException e) {
                stopQuietly();
                boolean portsWerePicked = requestedBrokerPort == 0 || requestedControllerPort == 0;
                if (!isBindFailure(e)) {
                    throw e;
                }
                if (!portsWerePicked || attempt >= PORT_ATTEMPTS) {
                    throw new BrokerStartException("Kafka could not bind " + HOST + ":" + brokerPort + " (broker) or "
                            + HOST + ":" + controllerPort + " (controller): the port is in use by another process."
                            + " Stop that process or choose other ports.", e);
                }
                LOG.info("Port taken between picking and binding; retrying with new ports (attempt {})", attempt + 1);
            }
        }
    }

    private void startOnce() {
        Properties props = brokerProperties();
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(props);
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady();
        LOG.info("Embedded Kafka broker ready at {} (data in {})", bootstrapServers(), dataDir);
    }

    private Properties brokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("log.dirs", logDir().toString());
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created by Tapwire's bootstrapper with their documented settings, never by accident.
        p.put("auto.create.topics.enable", "false");
        // The 128 MiB default dedupe buffer would land on this JVM's heap.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        p.putAll(overrides);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    private void format(Properties props) {
        Path metaProperties = logDir().resolve("meta.properties");
        if (Files.exists(metaProperties)) {
            return;
        }
        try {
            Files.createDirectories(logDir());
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir().toString())
                    .setDirectories(List.of(logDir().toString()))
                    .run();
        } catch (Exception e) {
            throw new BrokerStartException("Could not format Kafka storage in " + logDir() + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new BrokerStartException("Kafka broker at " + bootstrapServers()
                                + " did not answer within " + startTimeout.toSeconds() + " s", e);
                    }
                }
                sleep(100);
            }
        }
    }

    /** {@code host:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    private Path logDir() {
        return dataDir.resolve("kraft");
    }

    /** Stops the broker cleanly (logs flushed, so a restart recovers nothing); a temporary folder is deleted. */
    @Override
    public synchronized void close() {
        stopQuietly();
        if (temporaryDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private void stopQuietly() {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker shutdown reported an error", e);
        } finally {
            server = null;
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("tapwire-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Could not delete {}", dir, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerStartException("interrupted while waiting for the Kafka broker", e);
        }
    }

    /** Configures a broker; every setting has a default suitable for tests. */
    public static final class Builder {
        private Path dataDir;
        private int brokerPort;
        private int controllerPort;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** Persistent data folder; without one, a temporary folder is used and deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** PLAINTEXT listener port; 0 (the default) picks a free one. */
        public Builder brokerPort(int port) {
            this.brokerPort = FreePorts.requireValid(port, "brokerPort");
            return this;
        }

        /** KRaft controller listener port; 0 (the default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = FreePorts.requireValid(port, "controllerPort");
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Any broker property, applied last (for example {@code log.retention.check.interval.ms}). */
        public Builder brokerProperty(String name, String value) {
            overrides.put(name, value);
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
