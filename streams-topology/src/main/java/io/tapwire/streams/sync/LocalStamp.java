package io.tapwire.streams.sync;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Stamps every record with this task's own partition as its source: for a channel the task reads itself. */
final class LocalStamp<V> implements FixedKeyProcessor<String, V, V> {

    private final String channel;
    private FixedKeyProcessorContext<String, V> context;

    LocalStamp(String channel) {
        this.channel = channel;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        context.forward(record.withHeaders(SourceStamp.stamp(record.headers(), channel, context.taskId().partition())));
    }
}
