package io.tapwire.streams.l7.metrics;

import static io.tapwire.streams.l7.metrics.L7MetricsTest.MS;
import static io.tapwire.streams.l7.metrics.L7MetricsTest.at;
import static io.tapwire.streams.l7.metrics.L7MetricsTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.tapwire.schemas.derived.DeadLetter;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.registry.StubRegistry;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.internal.L7Window;
import io.tapwire.streams.window.TumblingWindows;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The aggregate alone, on its stores as a restart leaves them: the gate before it has forgotten its time. */
class L7WindowAggregatorTest {

    private static final TumblingWindows WINDOWS = new TumblingWindows(Duration.ofSeconds(10), Duration.ofSeconds(30));

    @Test
    void afterARestartAPartialForAWindowAlreadyEmittedFinalGoesToTheDlqInsteadOfASecondFinal() throws Exception {
        try (StubRegistry registry = new StubRegistry()) {
            TopologySerdes serdes = new TopologySerdes(new RegistryClient(RegistryClientConfig.of(registry.url())));
            MockProcessorContext<String, Object> context = new MockProcessorContext<>();
            KeyValueStore<String, L7Window> windows = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(L7Metrics.WINDOWS_STORE), Serdes.String(), serdes.of(L7Window.class))
                    .withLoggingDisabled().build();
            KeyValueStore<String, Long> clock = Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(L7Metrics.CLOCK_STORE), Serdes.String(), Serdes.Long())
                    .withLoggingDisabled().build();
            windows.init(context.getStateStoreContext(), windows);
            clock.init(context.getStateStoreContext(), clock);
            context.addStateStore(windows);
            context.addStateStore(clock);
            // Before the restart a tick at 60 s emitted [0 s, 10 s) final (it closed at 40 s).
            clock.put(L7WindowAggregator.TIME_KEY, at(60_000));

            L7WindowAggregator aggregator = new L7WindowAggregator(WINDOWS, serdes.of(L7Window.class).serializer());
            aggregator.init(context);
            L7Request request = request(ObservedSide.CLIENT, true, "ok", false, 3 * MS);
            L7Window late = L7Windows.open(request, at(0));
            L7Windows.add(late, request);
            context.setRecordMetadata("l7-metrics-by-series-named-repartition", 0, 42);
            aggregator.process(new Record<>(L7Metrics.seriesKey(request), late, at(8_000)));

            List<Object> out = context.forwarded().stream().map(f -> (Object) f.record().value()).toList();
            assertThat(out).singleElement().isInstanceOfSatisfying(DeadLetter.class, letter -> {
                assertThat(letter.getStage()).isEqualTo("late for window l7-metrics");
                assertThat(letter.getSourceOffset()).isEqualTo(42);
            });
            assertThat(windows.approximateNumEntries()).as("no window opened again").isZero();

            context.resetForwards();
            L7Window onTime = L7Windows.open(request, at(60_000));
            L7Windows.add(onTime, request);
            aggregator.process(new Record<>(L7Metrics.seriesKey(request), onTime, at(61_500)));
            assertThat(context.forwarded()).as("a partial on time still counts").singleElement()
                    .satisfies(f -> assertThat(((L7Metric) f.record().value()).getRequests()).isEqualTo(1));
        }
    }
}
