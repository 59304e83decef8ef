package io.tapwire.api;

import java.util.Map;
import java.util.UUID;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.api.graph.Processes;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.schemas.keys.ServiceKey;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroSerializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes derived records the way the topology does: Confluent wire format through the registry, in transactions
 * (some of them aborted, which a read_committed reader must never see), to the partition the test chooses.
 */
final class DerivedTopicsWriter implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final TapwireAvroSerializer<L7Metric> l7Metrics;
    private final TapwireAvroSerializer<TcpMetric> tcpMetrics;
    private final TapwireAvroSerializer<L7Request> requests;
    private final TapwireAvroSerializer<ServiceEdge> edges;
    private final TapwireAvroSerializer<ProcessInfo> processes;
    private final TapwireAvroSerializer<ServiceEvent> events;
    private final TapwireAvroSerializer<ListenerInfo> listeners;

    DerivedTopicsWriter(String bootstrapServers, String registryUrl) {
        RegistryClient registry = new RegistryClient(RegistryClientConfig.of(registryUrl));
        l7Metrics = new TapwireAvroSerializer<>(L7Metric.class, registry, true);
        tcpMetrics = new TapwireAvroSerializer<>(TcpMetric.class, registry, true);
        requests = new TapwireAvroSerializer<>(L7Request.class, registry, true);
        edges = new TapwireAvroSerializer<>(ServiceEdge.class, registry, true);
        processes = new TapwireAvroSerializer<>(ProcessInfo.class, registry, true);
        events = new TapwireAvroSerializer<>(ServiceEvent.class, registry, true);
        listeners = new TapwireAvroSerializer<>(ListenerInfo.class, registry, true);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "query-api-test-" + UUID.randomUUID()),
                new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    void begin() {
        producer.beginTransaction();
    }

    void commit() {
        producer.commitTransaction();
    }

    void abort() {
        producer.flush();
        producer.abortTransaction();
    }

    void send(int partition, L7Metric metric) {
        send(TapwireTopic.L7_METRICS, partition, DerivedRecords.key(metric),
                l7Metrics.serialize(TapwireTopic.L7_METRICS.topicName(), metric), metric.getWindowEndEpochMs());
    }

    void send(int partition, TcpMetric metric) {
        send(TapwireTopic.TCP_METRICS, partition, DerivedRecords.key(metric),
                tcpMetrics.serialize(TapwireTopic.TCP_METRICS.topicName(), metric), metric.getWindowEndEpochMs());
    }

    void send(int partition, L7Request request) {
        send(TapwireTopic.L7_REQUESTS, partition, DerivedRecords.key(request),
                requests.serialize(TapwireTopic.L7_REQUESTS.topicName(), request),
                request.getStartEpochNs() / 1_000_000L);
    }

    void send(int partition, ServiceEdge edge) {
        send(TapwireTopic.SERVICE_EDGES, partition, DerivedRecords.key(edge),
                edges.serialize(TapwireTopic.SERVICE_EDGES.topicName(), edge), edge.getLastSeenEpochMs());
    }

    void send(int partition, ProcessInfo process) {
        send(TapwireTopic.PROCESSES, partition, Processes.key(process),
                processes.serialize(TapwireTopic.PROCESSES.topicName(), process),
                process.getUpdatedAtEpochNs() / 1_000_000L);
    }

    void send(int partition, ServiceEvent event) {
        send(TapwireTopic.EVENTS, partition, new ServiceKey(event.getService()).format(),
                events.serialize(TapwireTopic.EVENTS.topicName(), event), event.getEpochNs() / 1_000_000L);
    }

    void send(int partition, ListenerInfo listener) {
        send(TapwireTopic.LISTENERS, partition, new ListenerKey(listener.getCluster(), listener.getNode(),
                        listener.getNetnsInode(), listener.getAddress()).format(),
                listeners.serialize(TapwireTopic.LISTENERS.topicName(), listener), listener.getUpdatedAtEpochNs() / 1_000_000L);
    }

    /** A tombstone of a compacted topic: the key's value is gone. */
    void delete(TapwireTopic topic, int partition, String key, long timestampMs) {
        send(topic, partition, key, null, timestampMs);
    }

    private void send(TapwireTopic topic, int partition, String key, byte[] value, long timestampMs) {
        producer.send(new ProducerRecord<>(topic.topicName(), partition, timestampMs, key, value));
    }

    @Override
    public void close() {
        producer.close();
    }
}
