package io.tapwire.api.windows;

import java.util.Map;

import io.tapwire.api.read.RecordSink;
import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.UndecodableRecordException;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Feeds every update of {@code tapwire.l7.metrics.v1} and {@code tapwire.tcp.metrics.v1} windows into their
 * stores ({@link L7Windows}, a {@link WindowStore}). The stores live in memory: every start reads the topics again from their earliest offsets.
 */
public final class MetricWindowsIngest implements RecordSink {

    private static final Logger LOG = Logger.getLogger(MetricWindowsIngest.class);

    public static final String L7_TOPIC = TapwireTopic.L7_METRICS.topicName();
    public static final String TCP_TOPIC = TapwireTopic.TCP_METRICS.topicName();

    private final L7Windows l7;
    private final WindowStore<TcpSeries, TcpWindow> tcp;
    private final TapwireAvroDeserializer<L7Metric> l7Values;
    private final TapwireAvroDeserializer<TcpMetric> tcpValues;
    private long undecodable;

    public MetricWindowsIngest(L7Windows l7, WindowStore<TcpSeries, TcpWindow> tcp,
                               RegistryClient registry) {
        this.l7 = l7;
        this.tcp = tcp;
        this.l7Values = new TapwireAvroDeserializer<>(L7Metric.class, registry);
        this.tcpValues = new TapwireAvroDeserializer<>(TcpMetric.class, registry);
    }

    @Override
    public Map<TopicPartition, Long> startOffsets() {
        return Map.of();
    }

    @Override
    public void accept(ConsumerRecord<String, byte[]> record) {
        try {
            if (L7_TOPIC.equals(record.topic())) {
                L7Metric metric = l7Values.deserialize(record);
                if (metric != null) {
                    l7.put(L7Series.of(metric), metric.getWindowStartEpochMs(), L7Window.of(metric));
                }
            } else if (TCP_TOPIC.equals(record.topic())) {
                TcpMetric metric = tcpValues.deserialize(record);
                if (metric != null) {
                    tcp.put(TcpSeries.of(metric), metric.getWindowStartEpochMs(), TcpWindow.of(metric));
                }
            }
        } catch (UndecodableRecordException e) {
            if (undecodable++ % 1000 == 0) {
                LOG.warnf("Skipping metric windows that cannot be decoded (%d so far): %s", undecodable,
                        e.getMessage());
            }
        }
    }

    @Override
    public void afterPoll() {
    }
}
