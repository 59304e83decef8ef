package io.tapwire.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import io.tapwire.schemas.settings.TypedProperties;
import io.tapwire.collector.app.CollectorSettings;
import io.tapwire.schemas.topics.TopicSettings;
import io.tapwire.streams.app.StreamsSettings;

/**
 * Settings of the local stack, from command-line options (which win) and an optional properties file. Every
 * setting is validated before anything starts; the README's configuration table lists them.
 *
 * @param dataDir        where the broker keeps its data; persistent across runs
 * @param kafkaPort      the broker's client port
 * @param controllerPort the broker's KRaft controller port
 * @param registryPort   the schema registry's HTTP port
 * @param topics         partition counts and retention of the Tapwire topics
 * @param partitionsGiven whether a partition count is among the settings; if not, a data folder's topics keep theirs
 *                       ({@link #topicsFor})
 * @param topology       whether the topology runs in the stack ({@code tapwire.local.topology}, default true)
 * @param collector      whether the collector for this machine runs in the stack ({@code tapwire.local.collector},
 *                       default true; it needs root)
 * @param api            the query API's process, or null when it does not run ({@code tapwire.local.api=false})
 * @param demo           how often the demo's clients send a round of requests, or null without the demo
 *                       ({@code --demo}, {@code tapwire.local.demo}, {@code tapwire.local.demo-interval})
 * @param settings       every setting given, for the topology ({@code tapwire.streams.*}) and the collector
 *                       ({@code tapwire.collector.*})
 */
public record LocalStackConfig(Path dataDir, int kafkaPort, int controllerPort, int registryPort, TopicSettings topics,
                               boolean partitionsGiven, boolean topology, boolean collector, ApiProcess.ApiSettings api, Duration demo,
                               Properties settings) {

    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_REGISTRY_PORT = 8081;
    public static final int DEFAULT_API_PORT = 8080;
    public static final Duration DEFAULT_DEMO_INTERVAL = Duration.ofSeconds(1);
    public static final String DEFAULT_HEARTBEAT_INTERVAL = "500ms";
    public static final String DEFAULT_API_CHECKPOINT_INTERVAL = "500ms";
    /** The topology's relay of heartbeats and its metrics' updates: as often as the collector's heartbeats come. */
    public static final String DEFAULT_STREAMS_INTERVAL = "500ms";
    /**
     * One node, one stream thread: a partition per topic is enough. Every partition is a task's worth of heartbeats,
     * relays, commits and transaction markers whatever the load; with 1 instead of 3 the idle stack uses a third less
     * CPU and every request costs less (BENCHMARKS.md, "Whole stack").
     */
    public static final String DEFAULT_LOCAL_PARTITIONS = "1";

    static final String USAGE = """
            usage: tapwire local stack [options]
              --data-dir DIR          data folder, kept across runs (default: data)
              --kafka-port N          Kafka client port (default: 9092)
              --controller-port N     Kafka controller port (default: 9093)
              --registry-port N       schema registry port (default: 8081)
              --api-port N            query API and web UI port (default: 8080)
              --demo                  also start nginx, PostgreSQL and Redis (from Debian) with clients sending requests
              --config FILE           properties file with any tapwire.* setting
              --set NAME=VALUE        one tapwire.* setting, e.g. --set tapwire.topics.partitions=6,
                                      --set tapwire.local.collector=false (no collector),
                                      --set tapwire.local.api=false (no API)
              --help                  this text
            """;

    /** Parses options; throws {@link IllegalArgumentException} with a message for the user on any mistake. */
    public static LocalStackConfig parse(String... args) {
        Properties props = new Properties();
        props.setProperty("tapwire.local.data-dir", DEFAULT_DATA_DIR.toString());
        props.setProperty("tapwire.local.kafka-port", String.valueOf(DEFAULT_KAFKA_PORT));
        props.setProperty("tapwire.local.controller-port", String.valueOf(DEFAULT_CONTROLLER_PORT));
        props.setProperty("tapwire.local.registry-port", String.valueOf(DEFAULT_REGISTRY_PORT));
        List<String[]> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help")) {
                throw new UsageRequested();
            }
            if (option.equals("--demo")) {
                overrides.add(new String[] {"tapwire.local.demo", "true"});
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--data-dir" -> overrides.add(new String[] {"tapwire.local.data-dir", value});
                case "--kafka-port" -> overrides.add(new String[] {"tapwire.local.kafka-port", value});
                case "--controller-port" -> overrides.add(new String[] {"tapwire.local.controller-port", value});
                case "--registry-port" -> overrides.add(new String[] {"tapwire.local.registry-port", value});
                case "--api-port" -> overrides.add(new String[] {"tapwire.local.api-port", value});
                case "--config" -> load(Path.of(value), props);
                case "--set" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1 || !value.startsWith("tapwire.")) {
                        throw new IllegalArgumentException("--set expects tapwire.NAME=VALUE, got '" + value + "'");
                    }
                    overrides.add(new String[] {value.substring(0, eq), value.substring(eq + 1)});
                }
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        overrides.forEach(o -> props.setProperty(o[0], o[1]));
        return fromProperties(props);
    }

    static LocalStackConfig fromProperties(Properties props) {
        TypedProperties p = new TypedProperties(props);
        Path dataDir = Path.of(p.string("tapwire.local.data-dir", DEFAULT_DATA_DIR.toString()));
        int kafkaPort = p.port("tapwire.local.kafka-port", DEFAULT_KAFKA_PORT);
        int controllerPort = p.port("tapwire.local.controller-port", DEFAULT_CONTROLLER_PORT);
        int registryPort = p.port("tapwire.local.registry-port", DEFAULT_REGISTRY_PORT);
        boolean api = p.bool("tapwire.local.api", true);
        int apiPort = p.port("tapwire.local.api-port", DEFAULT_API_PORT);
        List<Integer> ports = new ArrayList<>(List.of(kafkaPort, controllerPort, registryPort));
        if (api) {
            ports.add(apiPort);
        }
        if (ports.stream().filter(port -> port != 0).distinct().count() != ports.stream().filter(port -> port != 0).count()) {
            throw new IllegalArgumentException("tapwire.local.kafka-port, controller-port, registry-port and api-port must"
                    + " differ, got " + kafkaPort + ", " + controllerPort + ", " + registryPort + " and " + apiPort);
        }
        ApiProcess.ApiSettings apiSettings = !api ? null : new ApiProcess.ApiSettings(
                Path.of(p.string("tapwire.local.api-jar", ApiProcess.ApiSettings.DEFAULT_JAR)), apiPort,
                p.string("tapwire.local.api-heap", ApiProcess.ApiSettings.DEFAULT_HEAP),
                p.duration("tapwire.local.api-start-timeout", ApiProcess.ApiSettings.DEFAULT_START_TIMEOUT));
        boolean partitionsGiven = props.stringPropertyNames().stream()
                .anyMatch(name -> name.startsWith(TopicSettings.PREFIX) && name.endsWith(".partitions")
                        || name.equals(TopicSettings.PREFIX + "partitions"));
        Properties settings = new Properties();
        settings.putAll(props);
        if (!settings.containsKey(TopicSettings.PREFIX + "partitions")) {
            settings.setProperty(TopicSettings.PREFIX + "partitions", DEFAULT_LOCAL_PARTITIONS);
        }
        if (!settings.containsKey("tapwire.collector.heartbeat-interval")) {
            // Every event-time step waits for each raw partition's heartbeat: the interval bounds how fresh spans and
            // /metrics are (seconds, not the collector's default 5 s, for one node's handful of partitions).
            settings.setProperty("tapwire.collector.heartbeat-interval", DEFAULT_HEARTBEAT_INTERVAL);
        }
        for (String interval : List.of("tapwire.streams.heartbeat-relay-interval", "tapwire.streams.window-update-interval")) {
            if (!settings.containsKey(interval)) {
                // Each repartition holds records until the relayed heartbeats pass them, and the L7 metrics are sent
                // on once per update interval: at the streams' default of a second each, those steps alone put /metrics
                // seconds behind the requests, at the collector's 500 ms heartbeats (BENCHMARKS.md, "Whole stack").
                settings.setProperty(interval, DEFAULT_STREAMS_INTERVAL);
            }
        }
        if (!settings.containsKey("tapwire.api.counters.checkpoint-interval")) {
            // /metrics shows the counters as last written: one node's counters file is small enough to write twice a
            // second, which keeps /metrics within a few seconds of the requests
            settings.setProperty("tapwire.api.counters.checkpoint-interval", DEFAULT_API_CHECKPOINT_INTERVAL);
        }
        if (p.bool("tapwire.local.demo", false) && !settings.containsKey("tapwire.collector.exclude-self-children")) {
            // The demo's servers and clients are this process's children: the stack leaves out itself, not them.
            settings.setProperty("tapwire.collector.exclude-self-children", "false");
        }
        // The settings of the topology and the collector are checked now, before anything starts.
        StreamsSettings.fromProperties(settings);
        CollectorSettings.from(p);
        return new LocalStackConfig(dataDir, kafkaPort, controllerPort, registryPort, TopicSettings.fromProperties(settings),
                partitionsGiven, p.bool("tapwire.local.topology", true), p.bool("tapwire.local.collector", true), apiSettings,
                p.bool("tapwire.local.demo", false) ? p.duration("tapwire.local.demo-interval", DEFAULT_DEMO_INTERVAL) : null,
                settings);
    }

    /**
     * The topics to ensure, given the partition counts of the Tapwire topics the data folder already holds. With no
     * partition count among the settings, a folder whose topics all have one count keeps it (a folder from before the
     * local default became 1 has 3 per topic): its raw events stay readable, where the settings' count would be
     * refused. Otherwise the settings' topics.
     */
    TopicSettings topicsFor(Collection<Integer> existingCounts) {
        Set<Integer> counts = new HashSet<>(existingCounts);
        if (partitionsGiven || counts.size() != 1) {
            return topics;
        }
        Properties kept = new Properties();
        kept.putAll(settings);
        kept.setProperty(TopicSettings.PREFIX + "partitions", String.valueOf(counts.iterator().next()));
        return TopicSettings.fromProperties(kept);
    }

    /**
     * The settings of the topology and the collector once the broker and the registry run: theirs addresses, and the
     * topology's state under the data folder unless set.
     */
    Properties componentSettings(String bootstrapServers, String registryUrl) {
        Properties runtime = new Properties();
        runtime.putAll(settings);
        runtime.setProperty("tapwire.kafka.bootstrap-servers", bootstrapServers);
        runtime.setProperty("tapwire.registry.url", registryUrl);
        if (!runtime.containsKey("tapwire.streams.state-dir")) {
            runtime.setProperty("tapwire.streams.state-dir", dataDir.resolve("streams").toString());
        }
        return runtime;
    }

    private static void load(Path file, Properties props) {
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config file " + file + ": " + e.getMessage());
        }
    }

    /** --help was given. */
    static final class UsageRequested extends RuntimeException {
        UsageRequested() {
            super(null, null, false, false);
        }
    }
}
