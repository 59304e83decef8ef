package io.tapwire.api;

import static io.tapwire.api.DerivedRecords.API;
import static io.tapwire.api.DerivedRecords.NGINX;
import static io.tapwire.api.DerivedRecords.NGINX_AT;
import static io.tapwire.api.DerivedRecords.POSTGRES;
import static io.tapwire.api.DerivedRecords.POSTGRES_AT;
import static io.tapwire.api.DerivedRecords.REDIS;
import static io.tapwire.api.DerivedRecords.REDIS_AT;
import static io.tapwire.api.DerivedRecords.edge;
import static io.tapwire.api.DerivedRecords.event;
import static io.tapwire.api.DerivedRecords.l7;
import static io.tapwire.api.DerivedRecords.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.tapwire.api.events.EventIngest;
import io.tapwire.api.events.EventStore;
import io.tapwire.api.events.ServiceEventRecord;
import io.tapwire.api.graph.EdgeStore;
import io.tapwire.api.graph.GraphIngest;
import io.tapwire.api.graph.ListenerStore;
import io.tapwire.api.graph.Processes;
import io.tapwire.api.graph.ServiceDirectory;
import io.tapwire.api.query.Step;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.read.TopicTailer;
import io.tapwire.api.series.L7SeriesList;
import io.tapwire.api.series.L7SeriesQuery;
import io.tapwire.api.services.ServiceGraphQuery;
import io.tapwire.api.services.ServiceMapView;
import io.tapwire.api.services.ServiceView;
import io.tapwire.api.windows.L7Series;
import io.tapwire.api.windows.L7Window;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.MetricWindowsIngest;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.derived.ServiceKind;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several API instances are replicas (README, "Several API instances"): each reads every partition of the derived
 * topics into its own read models, so two instances that have read the same records answer alike. Two instances'
 * read models, wired as {@link ReadModels} wires them, read one broker whose records are spread over all partitions.
 */
class ReplicatedReadModelsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MINUTE = 60_000;

    /** One API instance's in-memory read models and their readers. */
    private static final class Instance implements AutoCloseable {
        final L7Windows l7 = new L7Windows(Duration.ofHours(1), Duration.ofHours(24));
        final WindowStore<TcpSeries, TcpWindow> tcp = new WindowStore<>(Duration.ofHours(1), Duration.ofHours(24));
        final EdgeStore edges = new EdgeStore();
        final ServiceDirectory directory = new ServiceDirectory(Duration.ofHours(24));
        final EventStore events = new EventStore(Duration.ofHours(168), 1000);
        final ServiceGraphQuery query = new ServiceGraphQuery(l7, tcp, edges, directory);
        final List<TopicTailer> tailers = new ArrayList<>();

        Instance(String name, String bootstrapServers, RegistryClient registry) {
            tailers.add(new TopicTailer(name + "-windows", bootstrapServers, Duration.ofSeconds(2),
                    List.of(MetricWindowsIngest.L7_TOPIC, MetricWindowsIngest.TCP_TOPIC),
                    new MetricWindowsIngest(l7, tcp, registry)).start());
            tailers.add(new TopicTailer(name + "-graph", bootstrapServers, Duration.ofSeconds(2),
                    List.of(GraphIngest.EDGES_TOPIC, GraphIngest.PROCESSES_TOPIC),
                    new GraphIngest(edges, directory, new ListenerStore(), registry)).start());
            tailers.add(new TopicTailer(name + "-events", bootstrapServers, Duration.ofSeconds(2),
                    List.of(EventIngest.TOPIC), new EventIngest(events, registry)).start());
        }

        List<ServiceEventRecord> allEvents() {
            return events.newestFirst(Long.MIN_VALUE, Long.MAX_VALUE, e -> true, 1000);
        }

        @Override
        public void close() {
            tailers.forEach(TopicTailer::close);
        }
    }

    private static DerivedTopicsCluster cluster;
    private static long now;
    private static long w0;

    @BeforeAll
    static void writeRecordsOverAllPartitions() {
        cluster = new DerivedTopicsCluster();
        now = System.currentTimeMillis();
        w0 = now / 10_000 * 10_000 - 300_000;
        try (DerivedTopicsWriter writer = cluster.writer()) {
            writer.begin();
            writer.send(0, l7("client", API, NGINX, NGINX_AT, "http", "200", w0, true, 0, 0.001, 0.002));
            writer.send(1, l7("client", API, POSTGRES, POSTGRES_AT, "postgres", "ok", w0, true, 0, 0.003));
            writer.send(2, l7("client", API, REDIS, REDIS_AT, "redis", "ok", w0 + 10_000, true, 0, 0.0001, 0.0002));
            writer.send(2, l7("client", API, NGINX, NGINX_AT, "http", "503", w0 + 10_000, true, 1, 0.5));
            writer.send(1, tcp(API, NGINX_AT, NGINX, w0, true).setSuccessfulConnects(2).setActiveConnections(1)
                    .build());
            writer.send(0, edge(API, NGINX, w0 - MINUTE, w0 + 10_000, "http", "tcp"));
            writer.send(1, edge(API, POSTGRES, w0 - MINUTE, w0 + 10_000, "postgres"));
            writer.send(2, edge(API, REDIS, w0 - MINUTE, w0 + 10_000, "redis"));
            writer.send(0, Processes.process("node-1", 1, API, ServiceKind.SYSTEMD, now - 3_600_000, null));
            writer.send(1, Processes.process("node-2", 2, NGINX, ServiceKind.CONTAINER, now - 3_600_000, null));
            writer.send(2, Processes.process("node-3", 3, POSTGRES, ServiceKind.KUBERNETES, now - 3_600_000, null));
            writer.send(0, event(ServiceEventType.CRASH, NGINX, "node-2", 2, now - MINUTE, null, 11, null));
            writer.send(1, event(ServiceEventType.OOM_KILL, POSTGRES, "node-3", 3, now - 2 * MINUTE, null, 9, null));
            writer.send(2, event(ServiceEventType.RESTART, API, "node-1", 1, now - 3 * MINUTE, null, null, null));
            writer.commit();
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void twoInstancesEachReadEveryPartitionAndAnswerAlike() throws Exception {
        RegistryClient registry = new RegistryClient(RegistryClientConfig.of(cluster.registryUrl()));
        try (Instance first = new Instance("first", cluster.bootstrapServers(), registry);
             Instance second = new Instance("second", cluster.bootstrapServers(), registry)) {
            TimeRange range = TimeRange.parse(null, null, Instant.now());
            awaitEverything(first, range);
            awaitEverything(second, range);

            ServiceMapView map = first.query.serviceMap(range);
            assertThat(map.edges()).extracting(ServiceMapView.EdgeView::server)
                    .as("edges and windows from partitions 0, 1 and 2").containsExactly(NGINX, POSTGRES, REDIS);
            assertThat(map.edges().get(0).requests()).as("windows of partitions 0 and 2").isEqualTo(3);
            assertThat(map.nodes()).extracting(ServiceMapView.Node::kind)
                    .containsExactly("systemd", "container", "kubernetes", "external");
            assertThat(second.query.serviceMap(range)).isEqualTo(map);

            List<ServiceView> services = first.query.services(range);
            assertThat(services).hasSize(4);
            assertThat(second.query.services(range)).isEqualTo(services);

            Step step = Step.parse("10s", range);
            L7SeriesList series = new L7SeriesQuery(API, null, null, null, range, step).run(first.l7.series());
            assertThat(series.series()).hasSize(3);
            assertThat(new L7SeriesQuery(API, null, null, null, range, step).run(second.l7.series())).isEqualTo(series);

            assertThat(first.allEvents()).extracting(ServiceEventRecord::type)
                    .containsExactly("crash", "oom_kill", "restart");
            assertThat(second.allEvents()).isEqualTo(first.allEvents());
        }
    }

    /** Waits until the instance has read the last record of each partition: all four services, edges and events. */
    private static void awaitEverything(Instance instance, TimeRange range) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            ServiceMapView map = instance.query.serviceMap(range);
            boolean windows = map.edges().stream().mapToLong(ServiceMapView.EdgeView::requests).sum() == 6
                    && map.edges().get(0).tcp().connects() == 2;
            boolean graph = map.edges().size() == 3 && map.nodes().stream().filter(n -> !n.external()).count() == 3;
            boolean events = instance.allEvents().size() == 3;
            if (windows && graph && events) {
                return;
            }
            assertThat(System.nanoTime()).as("not all read after %s: windows %s, graph %s, events %s", WAIT, windows,
                    graph, events).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
