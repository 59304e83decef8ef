package io.tapwire.kafka.registry;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry (REST API v1, Avro) whose only state is a compacted Kafka topic.
 *
 * <p>Any number of instances may share one store topic. Each reads the whole topic into memory at start-up and keeps
 * tailing it, so every instance answers reads on its own. Writes (registrations, deletes, configuration) are made
 * by one leader at a time, elected through a Kafka consumer group ({@link LeaderElection}) and made the single
 * writer by a shared transactional id that fences its predecessor ({@link StoreWriter}); the other instances forward
 * writes to the leader's advertised URL ({@link WriteCoordinator}). The store topic's records are described in
 * {@link StoreRecordCodec}.
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = SchemaRegistryServer.builder()
 *         .bootstrapServers(broker.bootstrapServers()).port(0).build().start()) {
 *     String url = registry.url();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

    private final Builder config;
    private final String instanceId = UUID.randomUUID().toString();
    private final AtomicInteger inFlight = new AtomicInteger();

    private HttpServer http;
    private ExecutorService httpThreads;
    private ExecutorService leadership;
    private StoreLog log;
    private StoreWriter writer;
    private LeaderElection election;
    private LeaderForwarder forwarder;
    private String url;
    private int boundPort;
    private volatile boolean closing;

    private SchemaRegistryServer(Builder config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the topics if needed, reads the store to its end, joins the election and starts serving HTTP. Returns
     * when the instance is ready: it has read everything written before, and knows whether it leads.
     */
    public synchronized SchemaRegistryServer start() {
        if (http != null) {
            throw new IllegalStateException("registry already started at " + url);
        }
        try {
            startOnce();
            return this;
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    private void startOnce() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.startTimeout.toMillis()))) {
            RegistryTopics.ensure(admin, config.topic, electionTopic(), config.replicationFactor, config.startTimeout);
        }
        SchemaStore store = new SchemaStore(config.defaultCompatibility);
        log = new StoreLog(config.bootstrapServers, config.topic, "tapwire-registry-store-" + instanceId, store);
        log.start(config.startTimeout);

        http = bind();
        boundPort = http.getAddress().getPort();
        url = config.advertisedUrl != null ? config.advertisedUrl
                : "http://" + urlHost() + ":" + boundPort;
        writer = new StoreWriter(config.bootstrapServers, config.topic, transactionalId(config.topic), log,
                new StoreRecord.Leader(url, instanceId), config.writeTimeout);
        leadership = Executors.newSingleThreadExecutor(daemon("tapwire-registry-leadership"));
        election = new LeaderElection(config.bootstrapServers, electionTopic(), groupId(config.topic),
                "tapwire-registry-election-" + instanceId, config.sessionTimeout, new LeaderElection.Listener() {
            @Override
            public void elected() {
                writer.elected();
                leadership.submit(SchemaRegistryServer.this::takeOver);
            }

            @Override
            public void deposed() {
                writer.stepDown();
            }
        });
        election.start();
        awaitRole();

        forwarder = new LeaderForwarder(config.writeTimeout);
        RegistryHttpApi api = new RegistryHttpApi(store, new RegistryWrites(store, writer),
                new WriteCoordinator(writer, store, log, forwarder, url, config.writeTimeout));
        httpThreads = Executors.newFixedThreadPool(config.httpThreads, daemon("tapwire-registry-http"));
        http.setExecutor(httpThreads);
        http.createContext("/", exchange -> {
            inFlight.incrementAndGet();
            try {
                if (closing) {
                    // Marked "not leader" too: a follower that forwarded a write here tries the next leader.
                    HttpExchanges.write(exchange, HttpExchanges.error(
                            new RegistryException(503, 503, "The schema registry at " + url + " is shutting down"))
                            .withHeader(HttpExchanges.NOT_LEADER_HEADER, "true"));
                } else {
                    api.handle(exchange);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
        http.start();
        LOG.info("Schema registry ready at {} ({}), store topic '{}'", url, role(), config.topic);
    }

    private HttpServer bind() {
        try {
            return HttpServer.create(new InetSocketAddress(config.host, config.port), 64);
        } catch (BindException e) {
            throw new RegistryStartException("Schema registry could not bind " + config.host + ":" + config.port
                    + ": the port is in use by another process. Stop that process or choose another port.", e);
        } catch (IOException e) {
            throw new RegistryStartException("Schema registry could not listen on " + config.host + ":"
                    + config.port + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the election has placed this instance, and, if it leads, until its takeover is done. */
    private void awaitRole() {
        long deadline = System.nanoTime() + config.startTimeout.toNanos();
        try {
            if (!election.awaitFirstAssignment(config.startTimeout)) {
                throw new RegistryStartException("The schema registry did not join the leader election (group '"
                        + groupId(config.topic) + "') within " + config.startTimeout.toSeconds() + " s");
            }
            while (writer.isElected() && !writer.isLeader()) {
                if (System.nanoTime() > deadline) {
                    throw new RegistryStartException("The schema registry was elected leader but could not take over"
                            + " store topic '" + config.topic + "' within " + config.startTimeout.toSeconds() + " s");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryStartException("interrupted while joining the leader election", e);
        }
    }

    /** Runs on the leadership thread; retries while this instance stays elected (the broker may be busy). */
    private void takeOver() {
        while (!closing && writer.isElected() && !writer.isLeader()) {
            try {
                writer.takeOver();
            } catch (RuntimeException e) {
                LOG.warn("Taking over store topic '{}' failed; retrying: {}", config.topic, e.toString());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Shared by every instance of one registry: taking it over fences the previous writer. */
    static String transactionalId(String storeTopic) {
        return "tapwire-registry-" + storeTopic;
    }

    /** The election's consumer group: one per store topic, so separate registries elect separately. */
    static String groupId(String storeTopic) {
        return "tapwire-registry-" + storeTopic;
    }

    private String electionTopic() {
        return config.electionTopic != null ? config.electionTopic : config.topic + "_leader";
    }

    private String urlHost() {
        InetAddress address = new InetSocketAddress(config.host, 0).getAddress();
        if (address != null && address.isAnyLocalAddress()) {
            // Listening on every interface: advertise a name other hosts can reach.
            try {
                return InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                return "127.0.0.1";
            }
        }
        return config.host.contains(":") ? "[" + config.host + "]" : config.host;
    }

    /** The URL clients use, for example {@code http://127.0.0.1:8081}. */
    public String url() {
        return url;
    }

    /** The bound HTTP port (useful with port 0). */
    public int port() {
        return boundPort;
    }

    /** Whether this instance is the leader right now (leadership can move at any time). */
    public boolean isLeader() {
        return writer != null && writer.isLeader();
    }

    /** {@code "leader"} or {@code "follower"}, as of now. */
    public String role() {
        return isLeader() ? "leader" : "follower";
    }

    /** Stops serving, leaves the election (another instance takes over writes at once) and stops reading. */
    @Override
    public synchronized void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        closing = true;
        if (http != null) {
            awaitInFlight();
            http.stop(0);
            http = null;
        }
        if (election != null) {
            election.close();
            election = null;
        }
        if (leadership != null) {
            leadership.shutdownNow();
            awaitTermination(leadership);
            leadership = null;
        }
        if (writer != null) {
            writer.close();
        }
        if (log != null) {
            log.close();
            log = null;
        }
        if (httpThreads != null) {
            httpThreads.shutdownNow();
            httpThreads = null;
        }
        if (forwarder != null) {
            forwarder.close();
            forwarder = null;
        }
    }

    /** Lets requests already being answered finish (briefly), so a client never sees a half-made write vanish. */
    private void awaitInFlight() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void awaitTermination(ExecutorService executor) {
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Configures a registry instance; everything but the bootstrap servers has a default. */
    public static final class Builder {
        private String bootstrapServers;
        private String host = "127.0.0.1";
        private int port = 8081;
        private String advertisedUrl;
        private String topic = "_tapwire_schemas";
        private String electionTopic;
        private short replicationFactor = 1;
        private CompatibilityLevel defaultCompatibility = CompatibilityLevel.BACKWARD;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration writeTimeout = Duration.ofSeconds(20);
        private Duration sessionTimeout = Duration.ofSeconds(10);
        private int httpThreads = 16;

        private Builder() {
        }

        /** Kafka {@code bootstrap.servers}; required. */
        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** Address to listen on; default 127.0.0.1. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** HTTP port; 0 picks a free one (see {@link #url()}); default 8081, Confluent's. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (pick a free port) or 1-65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The URL other instances forward writes to; default {@code http://<host>:<bound port>}. */
        public Builder advertisedUrl(String advertisedUrl) {
            this.advertisedUrl = Objects.requireNonNull(advertisedUrl, "advertisedUrl");
            return this;
        }

        /** The compacted store topic; default {@code _tapwire_schemas}. Instances sharing it form one registry. */
        public Builder topic(String topic) {
            this.topic = requireNotBlank(topic, "topic");
            return this;
        }

        /** The one-partition election topic; default the store topic's name plus {@code _leader}. */
        public Builder electionTopic(String electionTopic) {
            this.electionTopic = requireNotBlank(electionTopic, "electionTopic");
            return this;
        }

        /** Replication factor of the topics when this instance creates them; default 1. */
        public Builder replicationFactor(int replicationFactor) {
            if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
                throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
            }
            this.replicationFactor = (short) replicationFactor;
            return this;
        }

        /** The global level until {@code PUT /config} sets one; default BACKWARD, as Confluent. */
        public Builder defaultCompatibility(CompatibilityLevel level) {
            this.defaultCompatibility = Objects.requireNonNull(level, "level");
            return this;
        }

        /** How long start-up may take (topics, reading the store, election); default 60 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = requirePositive(timeout, "startTimeout");
            return this;
        }

        /** How long a write may wait for a leader and for its record to be read back; default 20 s. */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = requirePositive(timeout, "writeTimeout");
            return this;
        }

        /**
         * How long a silent leader keeps its leadership (the election group's session timeout); default 10 s.
         * A leader that closes hands over at once; this only bounds a crashed one. The broker allows 6 s to 30 min.
         */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = requirePositive(timeout, "sessionTimeout");
            return this;
        }

        /** Threads answering HTTP requests; default 16. */
        public Builder httpThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("httpThreads must be at least 1, was " + threads);
            }
            this.httpThreads = threads;
            return this;
        }

        public SchemaRegistryServer build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalStateException("bootstrapServers is required: the Kafka cluster holding the store topic");
            }
            return new SchemaRegistryServer(copy());
        }

        /** A snapshot, so changing this builder later does not change a built server. */
        private Builder copy() {
            Builder c = new Builder();
            c.bootstrapServers = bootstrapServers;
            c.host = host;
            c.port = port;
            c.advertisedUrl = advertisedUrl;
            c.topic = topic;
            c.electionTopic = electionTopic;
            c.replicationFactor = replicationFactor;
            c.defaultCompatibility = defaultCompatibility;
            c.startTimeout = startTimeout;
            c.writeTimeout = writeTimeout;
            c.sessionTimeout = sessionTimeout;
            c.httpThreads = httpThreads;
            return c;
        }

        private static String requireNotBlank(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration requirePositive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
