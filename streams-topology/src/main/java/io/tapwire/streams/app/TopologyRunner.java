package io.tapwire.streams.app;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.streams.TopologySerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the topology: start, wait until it is running, close. Used by {@link StreamsMain} and the local stack. */
public final class TopologyRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyRunner.class);
    private final StreamsSettings settings;
    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    public TopologyRunner(StreamsSettings settings) {
        this.settings = settings;
        TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(settings.registryUrl())));
        Topology topology = TapwireTopology.build(settings, serdes, rawPartitions(settings));
        serdes.registerSchemas();
        this.streams = new KafkaStreams(topology, settings.streamsProperties());
        streams.setStateListener((now, before) -> {
            LOG.info("Topology {}: {} -> {}", settings.applicationId(), before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        // A failed stream thread is replaced: with exactly-once its uncommitted work is redone, nothing lost.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("Stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    /**
     * The partition count shared by the raw topics the topology reads. Every repartition inherits it, and each
     * event-time sync waits for that many upstream tasks; raw topics of different counts are refused here.
     */
    static int rawPartitions(StreamsSettings settings) {
        List<String> names = TapwireTopology.RAW_INPUTS.stream().map(settings::topic).toList();
        Map<String, Integer> counts = new TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
            for (Map.Entry<String, TopicDescription> topic : admin.describeTopics(names).allTopicNames()
                    .get(60, TimeUnit.SECONDS).entrySet()) {
                counts.put(topic.getKey(), topic.getValue().partitions().size());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the raw topics " + names + " at " + settings.bootstrapServers()
                    + " (" + e.getCause().getMessage() + "); create them first (the local stack and SubjectSetupMain do)",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka at " + settings.bootstrapServers()
                    + " within 60 s while reading the raw topics " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the raw topics", e);
        }
        if (new HashSet<>(counts.values()).size() != 1) {
            throw new IllegalStateException("the raw topics the topology reads must have one partition count, found "
                    + counts + " (tapwire.topics.<topic>.partitions)");
        }
        return counts.values().iterator().next();
    }

    public TopologyRunner start(Duration timeout) {
        streams.start();
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("topology " + settings.applicationId() + " not running after "
                        + timeout.toSeconds() + " s (state " + streams.state() + "); is Kafka at "
                        + settings.bootstrapServers() + " up?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the topology", e);
        }
        return this;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
