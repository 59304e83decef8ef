package io.tapwire.streams.tcpmetrics;

import static io.tapwire.streams.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.internal.TcpSeries;
import io.tapwire.streams.internal.TcpWindow;
import io.tapwire.streams.window.TumblingWindows;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The series' step alone, on its stores: partials add up, and a partial for a closed window is refused. */
class TcpWindowAggregatorTest {

    private static final TumblingWindows WINDOWS = new TumblingWindows(Duration.ofSeconds(10), Duration.ofSeconds(30));
    private static final String SERIES = "/host/api/10.0.0.1:8080//host/nginx";

    @Test
    void partialsOfTwoTasksAddUpAndAnOpenConnectionCountsInTheLaterWindows() throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            Fixture f = new Fixture(registry);
            f.aggregator.process(new Record<>(SERIES, partial(at(0), 1, 1, 100), at(1_000)));
            f.aggregator.process(new Record<>(SERIES, partial(at(10_000), 0, 0, 50), at(11_000)));
            f.context.resetForwards();
            // another task's partial for the first window, sent later (its changes came late, within the grace): one
            // more connection, still open, so the later window has it too
            f.aggregator.process(new Record<>(SERIES, partial(at(0), 1, 1, 30), at(12_000)));

            List<TcpMetric> updates = f.metrics();
            assertThat(updates).extracting(TcpMetric::getWindowStartEpochMs, TcpMetric::getSuccessfulConnects,
                            TcpMetric::getActiveConnections, TcpMetric::getBytesSent)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(at(0), 2L, 2L, 130L),
                            org.assertj.core.groups.Tuple.tuple(at(10_000), 0L, 2L, 50L));
            assertThat(updates).allSatisfy(m -> {
                assertThat(m.getClientService()).isEqualTo("/host/api");
                assertThat(m.getFinal$()).isFalse();
            });
        }
    }

    @Test
    void aPartialForAWindowItsSeriesHasClosedGoesToTheDlqInsteadOfASecondFinal() throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            Fixture f = new Fixture(registry);
            // Before a restart, [0 s, 10 s) was emitted final: the series says so, the step's clock starts afresh.
            f.series.put(SERIES, TcpSeries.newBuilder().setClientService("/host/api").setDestination("10.0.0.1:8080")
                    .setServerService("/host/nginx").setOpenAtClosed(0).setClosedUntilEpochMs(at(10_000)).build());
            f.context.setRecordMetadata("tcp-metrics-partials-by-series-repartition", 0, 42);
            f.aggregator.process(new Record<>(SERIES, partial(at(0), 1, 1, 100), at(9_000)));

            assertThat(f.context.forwarded()).singleElement().satisfies(r ->
                    assertThat(r.record().value()).isInstanceOfSatisfying(DeadLetter.class, letter -> {
                        assertThat(letter.getStage()).isEqualTo("late for window tcp-metrics");
                        assertThat(letter.getSourceOffset()).isEqualTo(42);
                    }));
            assertThat(f.windows.approximateNumEntries()).as("no window opened again").isZero();

            f.context.resetForwards();
            f.aggregator.process(new Record<>(SERIES, partial(at(10_000), 1, 1, 5), at(11_000)));
            assertThat(f.metrics()).as("a partial on time still counts").singleElement()
                    .satisfies(m -> assertThat(m.getSuccessfulConnects()).isEqualTo(1));
        }
    }

    private static TcpWindow partial(long start, long connects, long netOpened, long bytesSent) {
        return TcpWindow.newBuilder().setWindowStartEpochMs(start).setSuccessfulConnects(connects)
                .setNetOpened(netOpened).setBytesSent(bytesSent)
                .setClientService("/host/api").setDestination("10.0.0.1:8080").setServerService("/host/nginx").build();
    }

    /** The aggregator on in-memory stores, as the topology wires it. */
    private static final class Fixture {
        final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        final KeyValueStore<String, TcpWindow> windows;
        final KeyValueStore<String, TcpSeries> series;
        final TcpWindowAggregator aggregator;

        Fixture(StubRegistry registry) {
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            windows = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TcpMetrics.WINDOWS_STORE),
                    Serdes.String(), serdes.of(TcpWindow.class)).withLoggingDisabled().build();
            series = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TcpMetrics.SERIES_STORE),
                    Serdes.String(), serdes.of(TcpSeries.class)).withLoggingDisabled().build();
            windows.init(context.getStateStoreContext(), windows);
            series.init(context.getStateStoreContext(), series);
            context.addStateStore(windows);
            context.addStateStore(series);
            aggregator = new TcpWindowAggregator(WINDOWS, serdes.of(TcpWindow.class).serializer());
            aggregator.init(context);
        }

        List<TcpMetric> metrics() {
            return context.forwarded().stream().map(r -> (TcpMetric) r.record().value()).toList();
        }
    }
}
