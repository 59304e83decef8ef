package io.tapwire.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.tapwire.schemas.settings.TypedProperties;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.sync.HeldRecords;
import io.tapwire.streams.l7.ResourceLabels;
import io.tapwire.streams.l7.metrics.AdmittedResources;
import io.tapwire.streams.lifecycle.RestartRule;
import io.tapwire.streams.window.TumblingWindows;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Typed, validated settings of the topology application, read from properties (a file, {@code -D} system
 * properties, or {@code TAPWIRE_*} environment variables). Every setting:
 *
 * <pre>
 * tapwire.kafka.bootstrap-servers      Kafka (default 127.0.0.1:9092)
 * tapwire.registry.url                 schema registry base URL(s) (default http://127.0.0.1:8081)
 * tapwire.streams.application-id       Kafka Streams application id (default tapwire-topology); a replay beside the
 *                                      live topology uses another id and other output topic names
 * tapwire.streams.state-dir            local state (default data/streams)
 * tapwire.streams.threads              stream threads (default 1)
 * tapwire.streams.replication-factor   of internal topics (default -1: the broker's default)
 * tapwire.streams.dedup-retention      how long (event time) a raw record's name is remembered (default PT10M)
 * tapwire.streams.process-exit-grace   how long an exited process stays in tapwire.processes.v1 (default PT30S)
 * tapwire.streams.process-publish-interval  the least event time between two values of one process in
 *                                      tapwire.processes.v1: changes within it are published once, as they stand at
 *                                      its end; tombstones at once (default PT1S; 0 publishes every change)
 * tapwire.streams.restart-window       how soon (event time) after a service's last process on a node exited a new
 *                                      one counts as a restart (default PT5M)
 * tapwire.streams.restart-min-uptime   how long a process that exited cleanly must have run for the next one to
 *                                      count as a restart (default PT1M; any abnormal exit counts)
 * tapwire.streams.window-size          event-time window of the TCP metrics (default PT10S)
 * tapwire.streams.window-grace         how long after its end (stream time) a window still takes late records and
 *                                      then emits its final record; later records go to the DLQ (default PT30S);
 *                                      must exceed the pairing window
 * tapwire.streams.window-update-interval  event time between two updates of an L7 metrics window that changed
 *                                      (and the partials sent to it), and between two chances to close TCP and L7
 *                                      windows (default PT1S, or the window size if shorter; at most the window
 *                                      size): shorter is fresher, with more records; final records do not change
 * tapwire.streams.heartbeat-relay-interval  the least event time between two heartbeats a task passes on to
 *                                      the next repartition (default PT1S); records wait up to about this long
 *                                      for the heartbeats that release them, at each repartition
 * tapwire.streams.pairing-window       how far apart (event time) the two ends of one connection may be seen, and
 *                                      how long a client end without a listener waits for the accepting end
 *                                      (default PT5S)
 * tapwire.streams.connection-idle-timeout  event time after which a connection nothing was heard of counts as
 *                                      closed (default PT1H)
 * tapwire.streams.edge-flush-interval  stream time between two updates of a service edge whose counts or times
 *                                      moved (default PT10S)
 * tapwire.streams.edge-retention       event time after which a service edge not seen since is removed (default P7D)
 * tapwire.streams.l7-name-wait         how long (event time) an L7 request waits for its connection's services to be
 *                                      decided before it goes out named by addresses (default: the pairing window
 *                                      plus 5 s, which leaves the pairing's decision time to arrive); must exceed
 *                                      the pairing window and be shorter than the window grace
 * tapwire.streams.l7-resources-per-service  distinct resources (normalised statements, paths, keys) a server
 *                                      service and protocol keep as labels per partition; later ones are ~other
 *                                      (default 100)
 * tapwire.streams.dns-name-retention   how long (event time) a DNS answer a process received names the answered
 *                                      address: a connection from its node to that address with no known server
 *                                      is the external service {@code name:port} (default PT1H)
 * tapwire.streams.sync-resident-records  records an event-time sync keeps in memory per task after a commit while
 *                                      they wait for heartbeats; more wait in its store, read back when released
 *                                      (default 10000)
 * tapwire.streams.topic.&lt;name&gt;=&lt;actual&gt;  read or write another topic in place of a Tapwire topic
 * tapwire.streams.kafka.&lt;config&gt;=&lt;value&gt;  any Kafka Streams, consumer or producer setting, passed on as is
 *                                      (for example consumer.session.timeout.ms, commit.interval.ms)
 * </pre>
 * Durations are ISO-8601 (PT10M) or a number with a unit (10m, 30s, 500ms); zero may be written 0.
 */
public record StreamsSettings(String bootstrapServers, String registryUrl, String applicationId, Path stateDir,
                              int threads, int replicationFactor, Duration dedupRetention, Duration processExitGrace,
                              Duration processPublishInterval,
                              Duration restartWindow, Duration restartMinUptime,
                              Duration windowSize, Duration windowGrace, Duration windowUpdateInterval,
                              Duration heartbeatRelayInterval,
                              Duration pairingWindow,
                              Duration connectionIdleTimeout, Duration edgeFlushInterval, Duration edgeRetention,
                              Duration l7NameWait, int l7ResourcesPerService, Duration dnsNameRetention,
                              int syncResidentRecords,
                              Map<String, String> topicNames, Map<String, String> kafkaConfigs) {

    public static final String PREFIX = "tapwire.streams.";

    public static StreamsSettings fromProperties(Properties props) {
        Map<String, String> topics = new TreeMap<>();
        Map<String, String> kafka = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(PREFIX + "kafka.")) {
                kafka.put(name.substring((PREFIX + "kafka.").length()), props.getProperty(name).trim());
            }
            if (name.startsWith(PREFIX + "topic.")) {
                String topic = name.substring((PREFIX + "topic.").length());
                if (TapwireTopic.byName(topic).isEmpty()) {
                    throw new IllegalArgumentException("unknown topic in " + name + ": expected a Tapwire topic name");
                }
                topics.put(topic, props.getProperty(name).trim());
            }
        }
        TypedProperties p = new TypedProperties(props);
        Duration windowGrace = notNegative(p, "window-grace", Duration.ofSeconds(30));
        Duration pairingWindow = positive(p, "pairing-window", Duration.ofSeconds(5));
        if (windowGrace.compareTo(pairingWindow) <= 0) {
            throw new IllegalArgumentException(PREFIX + "window-grace (" + windowGrace + ") must be longer than "
                    + PREFIX + "pairing-window (" + pairingWindow + "): changes held while the pairing waits for a "
                    + "connection's other end would come too late for their window");
        }
        Duration nameWait = positive(p, "l7-name-wait", pairingWindow.plusSeconds(5));
        if (nameWait.compareTo(pairingWindow) <= 0 || nameWait.compareTo(windowGrace) >= 0) {
            throw new IllegalArgumentException(PREFIX + "l7-name-wait (" + nameWait + ") must be longer than "
                    + PREFIX + "pairing-window (" + pairingWindow + "), or requests would go out before their "
                    + "connection is decided, and shorter than " + PREFIX + "window-grace (" + windowGrace
                    + "), or they would come too late for their window");
        }
        Duration windowSize = positive(p, "window-size", Duration.ofSeconds(10));
        Duration windowUpdateInterval = positive(p, "window-update-interval", TumblingWindows.defaultUpdateInterval(windowSize));
        try {
            new TumblingWindows(windowSize, windowGrace, windowUpdateInterval);
        } catch (IllegalArgumentException e) {
            // size and grace were checked above: the interval is what TumblingWindows refused
            throw new IllegalArgumentException(PREFIX + "window-update-interval (" + windowUpdateInterval
                    + ") must be from 1 ms to " + PREFIX + "window-size (" + windowSize + ")", e);
        }
        int resourcesPerService = (int) p.number(PREFIX + "l7-resources-per-service", AdmittedResources.DEFAULT_CAPACITY);
        if (resourcesPerService < 0 || resourcesPerService > 100_000) {
            throw new IllegalArgumentException(PREFIX + "l7-resources-per-service must be from 0 to 100000, was "
                    + resourcesPerService);
        }
        int syncResidentRecords = (int) p.number(PREFIX + "sync-resident-records", HeldRecords.DEFAULT_RESIDENT_RECORDS);
        if (syncResidentRecords < 0) {
            throw new IllegalArgumentException(PREFIX + "sync-resident-records must not be negative, was "
                    + syncResidentRecords);
        }
        return new StreamsSettings(
                p.string("tapwire.kafka.bootstrap-servers", "127.0.0.1:9092"),
                p.string("tapwire.registry.url", "http://127.0.0.1:8081"),
                p.string(PREFIX + "application-id", "tapwire-topology"),
                Path.of(p.string(PREFIX + "state-dir", "data/streams")),
                p.positive(PREFIX + "threads", 1),
                (int) p.number(PREFIX + "replication-factor", -1),
                p.duration(PREFIX + "dedup-retention", Duration.ofMinutes(10)),
                p.duration(PREFIX + "process-exit-grace", Duration.ofSeconds(30)),
                notNegative(p, "process-publish-interval", Duration.ofSeconds(1)),
                positive(p, "restart-window", Duration.ofMinutes(5)),
                notNegative(p, "restart-min-uptime", Duration.ofMinutes(1)),
                windowSize,
                windowGrace,
                windowUpdateInterval,
                notNegative(p, "heartbeat-relay-interval", Duration.ofSeconds(1)),
                pairingWindow,
                positive(p, "connection-idle-timeout", Duration.ofHours(1)),
                positive(p, "edge-flush-interval", Duration.ofSeconds(10)),
                positive(p, "edge-retention", Duration.ofDays(7)),
                nameWait, resourcesPerService, positive(p, "dns-name-retention", Duration.ofHours(1)),
                syncResidentRecords, topics, kafka);
    }

    private static Duration notNegative(TypedProperties p, String name, Duration defaultValue) {
        Duration value = p.duration(PREFIX + name, defaultValue);
        if (value.isNegative()) {
            throw new IllegalArgumentException(PREFIX + name + " must not be negative, was '" + value + "'");
        }
        return value;
    }

    private static Duration positive(TypedProperties p, String name, Duration defaultValue) {
        Duration value = p.duration(PREFIX + name, defaultValue);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(PREFIX + name + " must be a positive duration, was '" + value + "'");
        }
        return value;
    }

    /** When a new process of a service is a restart. */
    public RestartRule restarts() {
        return new RestartRule(restartWindow, restartMinUptime);
    }

    /** How request resources become labels. */
    public ResourceLabels resourceLabels() {
        return new ResourceLabels(l7ResourcesPerService);
    }

    /** The windows of the TCP and L7 metrics. */
    public TumblingWindows windows() {
        return new TumblingWindows(windowSize, windowGrace, windowUpdateInterval);
    }

    /** The name to use for a Tapwire topic: its own unless overridden. */
    public String topic(TapwireTopic topic) {
        return topicNames.getOrDefault(topic.topicName(), topic.topicName());
    }

    /** Kafka Streams configuration: exactly-once, so every consumer of the outputs may read committed only. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // No waiting for data on a task's empty inputs: every merge of the topology puts its inputs in event-time
        // order itself (EventTimeSync), and Kafka Streams' wait, with the default 0, formats log messages for each
        // record a task with an empty input processes (a tenth of the stream thread in the benchmarks' profile).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Read by every heartbeat relay through its context's application configs.
        p.put(HeartbeatRepartition.RELAY_INTERVAL_CONFIG, Long.toString(heartbeatRelayInterval.toMillis()));
        // Read by every sync's store of held records when it opens.
        p.put(HeldRecords.RESIDENT_RECORDS_CONFIG, Integer.toString(syncResidentRecords));
        p.putAll(kafkaConfigs);
        return p;
    }
}
