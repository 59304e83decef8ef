package io.tapwire.api.events;

import java.util.Map;

import io.tapwire.api.read.RecordSink;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.UndecodableRecordException;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/** Feeds {@code tapwire.events.v1} into an {@link EventStore}, from the earliest offsets at every start. */
public final class EventIngest implements RecordSink {

    private static final Logger LOG = Logger.getLogger(EventIngest.class);

    public static final String TOPIC = TapwireTopic.EVENTS.topicName();

    private final EventStore store;
    private final TapwireAvroDeserializer<ServiceEvent> values;
    private long undecodable;

    public EventIngest(EventStore store, RegistryClient registry) {
        this.store = store;
        this.values = new TapwireAvroDeserializer<>(ServiceEvent.class, registry);
    }

    @Override
    public Map<TopicPartition, Long> startOffsets() {
        return Map.of();
    }

    @Override
    public void accept(ConsumerRecord<String, byte[]> record) {
        try {
            ServiceEvent event = values.deserialize(record);
            if (event != null) {
                store.add(ServiceEventRecord.of(event));
            }
        } catch (UndecodableRecordException e) {
            if (undecodable++ % 1000 == 0) {
                LOG.warnf("Skipping event records that cannot be decoded (%d so far): %s", undecodable, e.getMessage());
            }
        }
    }

    @Override
    public void afterPoll() {
    }
}
