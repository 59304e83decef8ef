package io.tapwire.api.counters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.TcpMetric;
import org.apache.kafka.common.TopicPartition;

/** Writes a counters file as the counters read model would after counting the given final windows. */
public final class CounterFiles {

    private final CounterState state = new CounterState(Duration.ofHours(1));
    private final TopicPartition l7 = new TopicPartition(CounterIngest.L7_TOPIC, 0);
    private final TopicPartition tcp = new TopicPartition(CounterIngest.TCP_TOPIC, 0);

    public void add(L7Metric finalWindow) {
        state.addFinal(l7, finalWindow);
    }

    public void add(TcpMetric finalWindow) {
        state.addFinal(tcp, finalWindow);
    }

    public void writeTo(Path stateDir) throws IOException {
        new CounterFile(stateDir).write(state.content());
    }
}
