package io.tapwire.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A value that cannot be decoded: bad framing, an unknown schema id, truncated or corrupt Avro. Names the topic,
 * and the partition and offset where known (-1 otherwise), and gives a reason fit for the DLQ record.
 */
public final class UndecodableRecordException extends SerializationException {

    private final String topic;
    private final int partition;
    private final long offset;
    private final String reason;

    public UndecodableRecordException(String topic, int partition, long offset, String reason, Throwable cause) {
        super("cannot decode a record of " + topic + (partition >= 0 ? " partition " + partition : "")
                + (offset >= 0 ? " offset " + offset : "") + ": " + reason, cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.reason = reason;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }

    UndecodableRecordException at(int partition, long offset) {
        return new UndecodableRecordException(topic, partition, offset, reason, getCause());
    }
}
