package io.tapwire.streams.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.streams.TopologySerdes;
import org.apache.kafka.streams.KafkaStreams;
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
        this.streams = new KafkaStreams(TapwireTopology.build(settings, serdes), settings.streamsProperties());
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
