package io.tapwire.api.read;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link TopicTailer} feeds: one read model. All calls come from the tailer's one thread, so an
 * implementation needs no locking of its own for the state only it writes.
 */
public interface RecordSink {

    /** Where to resume reading each partition; a partition not in the map is read from its earliest offset. */
    Map<TopicPartition, Long> startOffsets();

    /**
     * Applies one committed record. Throwing {@link io.tapwire.schemas.registry.RegistryException} (the registry did
     * not answer) makes the tailer read the record again after a pause; a record that cannot be decoded is the sink's
     * to skip.
     */
    void accept(ConsumerRecord<String, byte[]> record);

    /** Called after each poll, with or without records: the place to persist state on a schedule. */
    void afterPoll();
}
