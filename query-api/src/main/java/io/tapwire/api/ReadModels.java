package io.tapwire.api;

import java.util.List;

import io.quarkus.runtime.Startup;
import io.tapwire.api.counters.CounterReadModel;
import io.tapwire.api.counters.CounterSnapshot;
import io.tapwire.api.read.TopicTailer;
import io.tapwire.api.spans.SpanIngest;
import io.tapwire.api.spans.SpanStore;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The API's read models of the derived topics, started with the application and stopped with it: the span store
 * (in memory, {@code tapwire.l7.requests.v1}) and the cumulative counters (persisted in {@code tapwire.api.state-dir},
 * {@code tapwire.l7.metrics.v1} and {@code tapwire.tcp.metrics.v1}). Each reads on its own thread; Kafka may come
 * later than the API.
 */
@Startup
@ApplicationScoped
public class ReadModels {

    private final SpanStore spans;
    private final TopicTailer spanTailer;
    private final CounterReadModel counters;

    public ReadModels(ClusterInspector cluster, KafkaSettings kafka, RegistrySettings registrySettings,
                      ReadModelSettings settings) {
        settings.validate();
        RegistryClient registry = registry(registrySettings);
        counters = CounterReadModel.start(settings.stateDirPath(), settings.counters().checkpointInterval(),
                settings.counters().dedupHorizon(), cluster.bootstrapServers(), kafka.requestTimeout(), registry);
        spans = new SpanStore(settings.spans().retention(), settings.spans().maxCount());
        try {
            spanTailer = new TopicTailer("spans", cluster.bootstrapServers(), kafka.requestTimeout(),
                    List.of(TapwireTopic.L7_REQUESTS.topicName()),
                    new SpanIngest(spans, new TapwireAvroDeserializer<>(L7Request.class, registry))).start();
        } catch (RuntimeException e) {
            counters.close();
            throw e;
        }
    }

    private static RegistryClient registry(RegistrySettings settings) {
        try {
            return new RegistryClient(RegistryClientConfig.of(settings.url()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tapwire.registry.url is not usable: " + e.getMessage(), e);
        }
    }

    public SpanStore spans() {
        return spans;
    }

    /** The counters as last written to the state directory. */
    public CounterSnapshot counters() {
        return counters.snapshot();
    }

    /** Why the span store stopped being fed, or null while it is. */
    public Throwable spansFailure() {
        return spanTailer.failure();
    }

    /** Why the counters stopped being read, or null while they are. */
    public Throwable countersFailure() {
        return counters.failure();
    }

    @PreDestroy
    void close() {
        spanTailer.close();
        counters.close();
    }
}
