package io.tapwire.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What tapwire.raw.l7.v1 holds, as stored by the broker: the size of its partitions' log segments (record batches
 * as the producer compressed them, plus the batch headers) and its end offsets; and, between two such marks, the
 * records themselves, read back as plain bytes.
 */
final class L7TopicBytes implements AutoCloseable {

    static final String TOPIC = TapwireTopic.RAW_L7.topicName();

    /** Bytes of the topic's log segments and the end offset of every partition. */
    record Mark(long diskBytes, Map<TopicPartition, Long> endOffsets) {
        long records() {
            return endOffsets.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * The records between two marks.
     *
     * @param records        all records (other processes' events and the collector's heartbeats too)
     * @param bytes          key + value bytes of all records, uncompressed (values in the wire format: 5-byte
     *                       header + Avro)
     * @param matching       records whose event the classifier named
     * @param matchingBytes  key + value bytes of those
     * @param matchingValues value bytes alone of those
     * @param kinds          those records by the classifier's name
     */
    record Contents(long records, long bytes, long matching, long matchingBytes, long matchingValues,
                    Map<String, Long> kinds) {
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TapwireAvroDeserializer<PayloadEvent> events;

    L7TopicBytes(String bootstrap, String registryUrl) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.events = new TapwireAvroDeserializer<>(PayloadEvent.class,
                new RegistryClient(RegistryClientConfig.of(registryUrl)));
    }

    Mark mark() throws ExecutionException, InterruptedException {
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
        Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
        long disk = 0;
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (replica.getKey().topic().equals(TOPIC)) {
                        disk += replica.getValue().size();
                    }
                }
            }
        }
        return new Mark(disk, ends);
    }

    /** Waits until no partition's end offset moved for a second (what the producer flushed has been appended). */
    Mark awaitSettled() throws ExecutionException, InterruptedException {
        Mark last = mark();
        while (true) {
            Thread.sleep(1000);
            Mark current = mark();
            if (current.endOffsets().equals(last.endOffsets()) && current.diskBytes() == last.diskBytes()) {
                return current;
            }
            last = current;
        }
    }

    /** Reads every record between the marks; {@code kindOf} names the events to count apart, null for the rest. */
    Contents read(Mark from, Mark to, Function<PayloadEvent, String> kindOf) {
        List<TopicPartition> partitions = List.copyOf(to.endOffsets().keySet());
        consumer.assign(partitions);
        for (TopicPartition partition : partitions) {
            consumer.seek(partition, from.endOffsets().getOrDefault(partition, 0L));
        }
        long records = 0;
        long bytes = 0;
        long matching = 0;
        long matchingBytes = 0;
        long matchingValues = 0;
        Map<String, Long> kinds = new TreeMap<>();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < to.endOffsets().get(p))) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                if (record.offset() >= to.endOffsets().get(new TopicPartition(record.topic(), record.partition()))) {
                    continue;
                }
                long size = (record.key() == null ? 0 : record.key().length)
                        + (record.value() == null ? 0 : record.value().length);
                records++;
                bytes += size;
                String kind = record.value() == null ? null : kindOf.apply(events.deserialize(record));
                if (kind != null) {
                    kinds.merge(kind, 1L, Long::sum);
                    matching++;
                    matchingBytes += size;
                    matchingValues += record.value().length;
                }
            }
        }
        return new Contents(records, bytes, matching, matchingBytes, matchingValues, kinds);
    }

    @Override
    public void close() {
        consumer.close();
        admin.close();
    }
}
