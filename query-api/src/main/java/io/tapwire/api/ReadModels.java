package io.tapwire.api;

import java.util.ArrayList;
import java.util.List;

import io.quarkus.runtime.Startup;
import io.tapwire.api.counters.CounterReadModel;
import io.tapwire.api.counters.CounterSnapshot;
import io.tapwire.api.events.EventIngest;
import io.tapwire.api.events.EventStore;
import io.tapwire.api.graph.EdgeStore;
import io.tapwire.api.graph.GraphIngest;
import io.tapwire.api.graph.ListenerStore;
import io.tapwire.api.graph.ServiceDirectory;
import io.tapwire.api.read.RecordSink;
import io.tapwire.api.read.TopicTailer;
import io.tapwire.api.spans.SpanIngest;
import io.tapwire.api.spans.SpanStore;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.MetricWindowsIngest;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The API's read models of the derived topics, started with the application and stopped with it: the cumulative
 * counters (persisted in {@code tapwire.api.state-dir}, from the final windows of {@code tapwire.l7.metrics.v1} and
 * {@code tapwire.tcp.metrics.v1}) and, in memory and read again from the earliest offsets at every start, the span
 * store ({@code tapwire.l7.requests.v1}), the metric windows with their rollups (the same two metric topics), the
 * service graph ({@code tapwire.service.edges.v1}, {@code tapwire.processes.v1}) and the events
 * ({@code tapwire.events.v1}). Each reads on its own thread; Kafka may come later than the API.
 *
 * <p>Every instance reads every partition (no consumer group): instances are replicas that answer alike.
 */
@Startup
@ApplicationScoped
public class ReadModels {

    private final CounterReadModel counters;
    private final SpanStore spans;
    private final L7Windows l7Windows;
    private final WindowStore<TcpSeries, TcpWindow> tcpWindows;
    private final EdgeStore edges = new EdgeStore();
    private final ListenerStore listeners = new ListenerStore();
    private final ServiceDirectory directory;
    private final EventStore events;
    private final List<TopicTailer> tailers = new ArrayList<>();

    public ReadModels(ClusterInspector cluster, KafkaSettings kafka, RegistrySettings registrySettings,
                      ReadModelSettings settings) {
        settings.validate();
        RegistryClient registry = registry(registrySettings);
        counters = CounterReadModel.start(settings.stateDirPath(), settings.counters().checkpointInterval(),
                settings.counters().dedupHorizon(), cluster.bootstrapServers(), kafka.requestTimeout(), registry);
        spans = new SpanStore(settings.spans().retention(), settings.spans().maxCount());
        l7Windows = new L7Windows(settings.metrics().windowRetention(), settings.metrics().retention());
        tcpWindows = new WindowStore<>(settings.metrics().windowRetention(), settings.metrics().retention());
        directory = new ServiceDirectory(settings.metrics().retention());
        events = new EventStore(settings.events().retention(), settings.events().maxCount());
        try {
            tail("spans", List.of(TapwireTopic.L7_REQUESTS.topicName()),
                    new SpanIngest(spans, new TapwireAvroDeserializer<>(L7Request.class, registry)), cluster, kafka);
            tail("windows", List.of(MetricWindowsIngest.L7_TOPIC, MetricWindowsIngest.TCP_TOPIC),
                    new MetricWindowsIngest(l7Windows, tcpWindows, registry), cluster, kafka);
            tail("graph", List.of(GraphIngest.EDGES_TOPIC, GraphIngest.PROCESSES_TOPIC, GraphIngest.LISTENERS_TOPIC),
                    new GraphIngest(edges, directory, listeners, registry), cluster, kafka);
            tail("events", List.of(EventIngest.TOPIC), new EventIngest(events, registry), cluster, kafka);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void tail(String name, List<String> topics, RecordSink sink, ClusterInspector cluster,
                      KafkaSettings kafka) {
        tailers.add(new TopicTailer(name, cluster.bootstrapServers(), kafka.requestTimeout(), topics, sink).start());
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

    /** The counters as last written: what {@code /metrics} shows. */
    public CounterSnapshot counters() {
        return counters.snapshot();
    }

    /** The L7 windows per series, and their sums per edge for the service map. */
    public L7Windows l7Windows() {
        return l7Windows;
    }

    public WindowStore<TcpSeries, TcpWindow> tcpWindows() {
        return tcpWindows;
    }

    public EdgeStore edges() {
        return edges;
    }

    public ServiceDirectory directory() {
        return directory;
    }

    public ListenerStore listeners() {
        return listeners;
    }

    public EventStore events() {
        return events;
    }

    /** The name of the first in-memory read model that stopped reading, with why; null while all read. */
    public String failure() {
        Throwable counterFailure = counters.failure();
        if (counterFailure != null) {
            return "counters: " + counterFailure;
        }
        for (TopicTailer tailer : tailers) {
            if (tailer.failure() != null) {
                return tailer.name() + ": " + tailer.failure();
            }
        }
        return null;
    }

    /** The read models that have not yet read their topics up to where they ended at the start; empty once all have. */
    public List<String> catchingUp() {
        List<String> behind = new ArrayList<>();
        if (!counters.caughtUp()) {
            behind.add("counters");
        }
        for (TopicTailer tailer : tailers) {
            if (!tailer.caughtUp()) {
                behind.add(tailer.name());
            }
        }
        return behind;
    }

    @PreDestroy
    void close() {
        tailers.forEach(TopicTailer::close);
        counters.close();
    }
}
