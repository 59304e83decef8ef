package io.tapwire.api.spans;

import java.util.Map;

import io.tapwire.api.read.RecordSink;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.UndecodableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Feeds {@code tapwire.l7.requests.v1} into a {@link SpanStore}. Spans live in memory only: every start reads the
 * topic again from its earliest offset, and the store keeps what its retention allows.
 */
public final class SpanIngest implements RecordSink {

    private static final Logger LOG = Logger.getLogger(SpanIngest.class);

    private final SpanStore store;
    private final TapwireAvroDeserializer<L7Request> values;
    private long undecodable;

    public SpanIngest(SpanStore store, TapwireAvroDeserializer<L7Request> values) {
        this.store = store;
        this.values = values;
    }

    @Override
    public Map<TopicPartition, Long> startOffsets() {
        return Map.of();
    }

    @Override
    public void accept(ConsumerRecord<String, byte[]> record) {
        L7Request request;
        try {
            request = values.deserialize(record);
        } catch (UndecodableRecordException e) {
            if (undecodable++ % 1000 == 0) {
                LOG.warnf("Skipping span records that cannot be decoded (%d so far): %s", undecodable, e.getMessage());
            }
            return;
        }
        if (request != null) {
            store.add(Span.of(request));
        }
    }

    @Override
    public void afterPoll() {
    }
}
