package io.tapwire.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodePidKey;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Joins in the topology rely on co-partitioning: a key sent to two topics of the same key format must land on
 * the same partition number in both. Proven on a real broker with the real producer partitioner.
 */
class CoPartitioningIT {

    @Test
    void sameKeyLandsOnTheSamePartitionInEveryTopicOfItsKeyFormat() throws Exception {
        Properties props = new Properties();
        props.setProperty("tapwire.topics.partitions", "6");
        List<TopicSpec> plan = TopicSettings.fromProperties(props).plan();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                     ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            new TopicBootstrapper(admin, (short) 1).ensure(plan);

            Map<KeyFormat, List<TapwireTopic>> byFormat = new EnumMap<>(KeyFormat.class);
            for (TapwireTopic topic : TapwireTopic.values()) {
                byFormat.computeIfAbsent(topic.keyFormat(), f -> new ArrayList<>()).add(topic);
            }
            int sharedFormats = 0;
            for (Map.Entry<KeyFormat, List<TapwireTopic>> entry : byFormat.entrySet()) {
                if (entry.getValue().size() < 2) {
                    continue;
                }
                sharedFormats++;
                List<String> keys = sampleKeys(entry.getKey());
                Map<String, Integer> firstPartitions = new HashMap<>();
                for (TapwireTopic topic : entry.getValue()) {
                    Map<String, Future<RecordMetadata>> sent = new HashMap<>();
                    for (String key : keys) {
                        sent.put(key, producer.send(new ProducerRecord<>(topic.topicName(), key, new byte[] {1})));
                    }
                    for (String key : keys) {
                        int partition = sent.get(key).get().partition();
                        Integer first = firstPartitions.putIfAbsent(key, partition);
                        if (first != null) {
                            assertThat(partition).as("key %s in %s", key, topic.topicName()).isEqualTo(first);
                        }
                    }
                }
                assertThat(firstPartitions.values().stream().distinct().count())
                        .as("keys of %s spread over partitions", entry.getKey()).isGreaterThan(1);
            }
            assertThat(sharedFormats).as("key formats shared by several topics").isEqualTo(2);
        }
    }

    private static List<String> sampleKeys(KeyFormat format) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add(switch (format) {
                case CONNECTION -> new ConnectionKey("prod", "node-" + (i % 3), "boot-" + (i % 2), 10_000L + i).format();
                case NODE_PID -> new NodePidKey("prod", "node-" + (i % 3), 1000 + i).format();
                default -> throw new IllegalStateException("no sample keys for " + format);
            });
        }
        return keys;
    }
}
