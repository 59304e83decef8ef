package io.tapwire.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the topology wrote to tapwire.l7.requests.v1, committed records only (the end offsets of an exactly-once
 * output count transaction markers too): how many, by observed side, by how many count, by status, and by the
 * edge they were named with — a request named by the connection tracking carries the services, one released
 * without names carries an address.
 *
 * @param incomplete true when the topic could not be read to its end within the time allowed
 */
record L7RequestTally(long total, long counting, Map<String, Long> bySide, Map<String, Long> byStatus,
                      Map<String, Long> byEdge, boolean incomplete) {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    static L7RequestTally read(String bootstrapServers, String registryUrl) {
        String topic = TapwireTopic.L7_REQUESTS.topicName();
        TapwireAvroDeserializer<L7Request> values =
                new TapwireAvroDeserializer<>(L7Request.class, new RegistryClient(RegistryClientConfig.of(registryUrl)));
        long total = 0;
        long counting = 0;
        Map<String, Long> bySide = new TreeMap<>();
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> byEdge = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    return new L7RequestTally(total, counting, bySide, byStatus, byEdge, true);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    L7Request request = values.deserialize(record);
                    total++;
                    counting += request.getCountingSide() ? 1 : 0;
                    bySide.merge(request.getSide().name(), 1L, Long::sum);
                    byStatus.merge(request.getStatus(), 1L, Long::sum);
                    byEdge.merge(request.getClientService() + " → " + request.getServerService(), 1L, Long::sum);
                }
            }
        }
        return new L7RequestTally(total, counting, bySide, byStatus, byEdge, false);
    }
}
