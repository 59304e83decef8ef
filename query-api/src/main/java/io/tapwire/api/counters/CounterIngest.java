package io.tapwire.api.counters;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.tapwire.api.read.RecordSink;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.UndecodableRecordException;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Feeds the windows of {@code tapwire.l7.metrics.v1} and {@code tapwire.tcp.metrics.v1} (finals, and the updates of
 * windows still open), the OOM kills of {@code tapwire.events.v1} and the DNS requests of
 * {@code tapwire.l7.requests.v1} into the {@link CounterState}, and writes it to the {@link CounterFile} every {@code checkpointInterval} when it changed.
 * Only after a write succeeded is the new {@link CounterSnapshot} published: what {@code /metrics} shows is always on
 * disk, with the offsets it was read up to, so a restart resumes exactly there, counting nothing twice and showing
 * nothing less.
 */
final class CounterIngest implements RecordSink {

    private static final Logger LOG = Logger.getLogger(CounterIngest.class);

    static final String L7_TOPIC = TapwireTopic.L7_METRICS.topicName();
    static final String TCP_TOPIC = TapwireTopic.TCP_METRICS.topicName();
    static final String EVENTS_TOPIC = TapwireTopic.EVENTS.topicName();
    static final String REQUESTS_TOPIC = TapwireTopic.L7_REQUESTS.topicName();

    private final CounterState state;
    private final CounterFile file;
    private final long intervalNanos;
    private final Consumer<CounterSnapshot> publish;
    private final TapwireAvroDeserializer<L7Metric> l7Values;
    private final TapwireAvroDeserializer<TcpMetric> tcpValues;
    private final TapwireAvroDeserializer<ServiceEvent> eventValues;
    private final TapwireAvroDeserializer<L7Request> requestValues;
    private boolean dirty;
    private long lastWriteNanos = System.nanoTime();
    private boolean writeFailed;

    CounterIngest(CounterState state, CounterFile file, Duration checkpointInterval, RegistryClient registry,
                  Consumer<CounterSnapshot> publish) {
        this.state = state;
        this.file = file;
        this.intervalNanos = checkpointInterval.toNanos();
        this.publish = publish;
        this.l7Values = new TapwireAvroDeserializer<>(L7Metric.class, registry);
        this.tcpValues = new TapwireAvroDeserializer<>(TcpMetric.class, registry);
        this.eventValues = new TapwireAvroDeserializer<>(ServiceEvent.class, registry);
        this.requestValues = new TapwireAvroDeserializer<>(L7Request.class, registry);
    }

    @Override
    public Map<TopicPartition, Long> startOffsets() {
        return new HashMap<>(state.offsets());
    }

    @Override
    public void accept(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try {
            if (L7_TOPIC.equals(record.topic())) {
                L7Metric metric = l7Values.deserialize(record);
                if (metric != null && metric.getFinal$()) {
                    state.addFinal(partition, metric);
                } else if (metric != null) {
                    state.addUpdate(partition, metric);
                }
            } else if (TCP_TOPIC.equals(record.topic())) {
                TcpMetric metric = tcpValues.deserialize(record);
                if (metric != null && metric.getFinal$()) {
                    state.addFinal(partition, metric);
                } else if (metric != null) {
                    state.addUpdate(partition, metric);
                }
            } else if (REQUESTS_TOPIC.equals(record.topic())) {
                L7Request request = requestValues.deserialize(record);
                if (request != null) {
                    state.addRequest(request);
                }
            } else if (EVENTS_TOPIC.equals(record.topic())) {
                ServiceEvent event = eventValues.deserialize(record);
                if (event != null) {
                    state.addEvent(event);
                }
            }
        } catch (UndecodableRecordException e) {
            state.skip(record.topic(), CounterState.UNDECODABLE);
            LOG.warnf("Not counting a record that cannot be decoded: %s", e.getMessage());
        }
        state.readUpTo(partition, record.offset() + 1);
        dirty = true;
    }

    @Override
    public void afterPoll() {
        if (dirty && System.nanoTime() - lastWriteNanos >= intervalNanos) {
            checkpoint();
        }
    }

    /** Writes the state and, once it is on disk, publishes it. A failed write is retried at the next interval. */
    void checkpoint() {
        if (!dirty) {
            return;
        }
        lastWriteNanos = System.nanoTime();
        state.prune();
        try {
            file.write(state.content());
        } catch (IOException | RuntimeException e) {
            if (!writeFailed) {
                LOG.errorf(e, "Cannot write the counters to %s (tapwire.api.state-dir); /metrics keeps showing the "
                        + "counters last written until a write succeeds", file.path().toAbsolutePath());
                writeFailed = true;
            }
            return;
        }
        if (writeFailed) {
            LOG.infof("The counters are written to %s again", file.path().toAbsolutePath());
            writeFailed = false;
        }
        dirty = false;
        publish.accept(state.snapshot());
    }
}
