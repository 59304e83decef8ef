package io.tapwire.collector.produce;

import io.tapwire.collector.node.RecordHeaders;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.topics.TapwireTopic;

/**
 * Writes a heartbeat to every partition of every raw topic (DESIGN.md "Stream time"): Kafka Streams' stream time is
 * per task, and a partition that receives nothing would never close its windows.
 */
public final class HeartbeatSender {

    private final RawProducer producer;
    private final RecordHeaders headers;
    private final TaskContext collector;

    public HeartbeatSender(RawProducer producer, RecordHeaders headers, TaskContext collector) {
        this.producer = producer;
        this.headers = headers;
        this.collector = collector;
    }

    /** One round; returns the number of heartbeats handed to the producer. */
    public int sendAll() {
        int sent = 0;
        for (TapwireTopic topic : TapwireTopic.values()) {
            if (topic.kind() != TapwireTopic.Kind.RAW) {
                continue;
            }
            String key = Heartbeats.key(topic, headers.identity());
            int partitions = producer.partitions(topic);
            for (int partition = 0; partition < partitions; partition++) {
                RawHeader header = headers.heartbeat();
                if (producer.send(topic, partition, key, Heartbeats.of(topic, header, collector), header.getEpochTimeNs())) {
                    sent++;
                }
            }
        }
        return sent;
    }
}
