package io.tapwire.api.graph;

import java.util.Map;

import io.tapwire.api.read.RecordSink;
import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.UndecodableRecordException;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Feeds the compacted {@code tapwire.service.edges.v1} into the {@link EdgeStore}, {@code tapwire.processes.v1} into
 * the {@link ServiceDirectory} and {@code tapwire.listeners.v1} into the {@link ListenerStore}, from their earliest
 * offsets at every start; a tombstone removes its key.
 */
public final class GraphIngest implements RecordSink {

    private static final Logger LOG = Logger.getLogger(GraphIngest.class);

    public static final String EDGES_TOPIC = TapwireTopic.SERVICE_EDGES.topicName();
    public static final String PROCESSES_TOPIC = TapwireTopic.PROCESSES.topicName();
    public static final String LISTENERS_TOPIC = TapwireTopic.LISTENERS.topicName();

    private final EdgeStore edges;
    private final ServiceDirectory directory;
    private final TapwireAvroDeserializer<ServiceEdge> edgeValues;
    private final TapwireAvroDeserializer<ProcessInfo> processValues;
    private final ListenerStore listeners;
    private final TapwireAvroDeserializer<ListenerInfo> listenerValues;
    private long undecodable;

    public GraphIngest(EdgeStore edges, ServiceDirectory directory, ListenerStore listeners, RegistryClient registry) {
        this.edges = edges;
        this.directory = directory;
        this.listeners = listeners;
        this.listenerValues = new TapwireAvroDeserializer<>(ListenerInfo.class, registry);
        this.edgeValues = new TapwireAvroDeserializer<>(ServiceEdge.class, registry);
        this.processValues = new TapwireAvroDeserializer<>(ProcessInfo.class, registry);
    }

    @Override
    public Map<TopicPartition, Long> startOffsets() {
        return Map.of();
    }

    @Override
    public void accept(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        try {
            if (EDGES_TOPIC.equals(record.topic())) {
                ServiceEdge edge = edgeValues.deserialize(record);
                if (edge == null) {
                    edges.remove(record.key());
                } else {
                    edges.put(record.key(), Edge.of(edge));
                }
            } else if (PROCESSES_TOPIC.equals(record.topic())) {
                ProcessInfo process = processValues.deserialize(record);
                if (process == null) {
                    directory.remove(record.key());
                } else {
                    directory.put(record.key(), process);
                }
            } else if (LISTENERS_TOPIC.equals(record.topic())) {
                ListenerInfo listener = listenerValues.deserialize(record);
                if (listener == null) {
                    listeners.remove(record.key());
                } else {
                    listeners.put(record.key(), listener);
                }
            }
        } catch (UndecodableRecordException e) {
            if (undecodable++ % 1000 == 0) {
                LOG.warnf("Skipping graph records that cannot be decoded (%d so far): %s", undecodable, e.getMessage());
            }
        }
    }

    @Override
    public void afterPoll() {
    }
}
