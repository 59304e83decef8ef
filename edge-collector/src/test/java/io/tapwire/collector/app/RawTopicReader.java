package io.tapwire.collector.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one raw topic from its beginning and decodes every record through the registry, as a consumer of the topic
 * would: what a test asserts on is what reached Kafka. Records accumulate across calls, so the tests of a class share
 * one reader per topic and filter by pid, port or inode. Polls on the calling thread only; not thread-safe.
 */
final class RawTopicReader<T extends SpecificRecord> implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final TapwireTopic topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final TapwireAvroDeserializer<T> decoder;
    private final List<T> records = new ArrayList<>();

    RawTopicReader(String bootstrapServers, String registryUrl, TapwireTopic topic, Class<T> type) {
        this.topic = topic;
        this.decoder = new TapwireAvroDeserializer<>(type, new RegistryClient(RegistryClientConfig.of(registryUrl)));
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.topicName()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls until a record read so far matches; returns every record read so far. */
    List<T> await(Predicate<T> until, String description) {
        return await(until, description, record -> false);
    }

    /**
     * Polls until a record read so far matches; returns every record read so far. On time-out it fails naming what
     * was awaited and listing the records {@code related} selects.
     */
    List<T> await(Predicate<T> until, String description, Predicate<T> related) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.stream().noneMatch(until)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + description + " in " + topic.topicName() + " within " + WAIT + " ("
                        + records.size() + " records read); related records:\n" + records.stream().filter(related)
                        .map(Object::toString).collect(Collectors.joining("\n")));
            }
            pollOnce();
        }
        return List.copyOf(records);
    }

    /** The first record that matches, waiting for it. */
    T awaitOne(Predicate<T> match, String description) {
        return await(match, description).stream().filter(match).findFirst().orElseThrow();
    }

    /** Polls until {@code count} records match; returns the matching ones. */
    List<T> awaitCount(Predicate<T> match, int count, String description) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (records.stream().filter(match).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(records.stream().filter(match).count() + " of " + count + " " + description
                        + " in " + topic.topicName() + " within " + WAIT + " (" + records.size() + " records read)");
            }
            pollOnce();
        }
        return records.stream().filter(match).toList();
    }

    /** Every record up to the topic's current end: for asserting that something is absent once its producer flushed. */
    List<T> readToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read " + topic.topicName() + " to its end offsets " + ends
                        + " within " + WAIT);
            }
            pollOnce();
        }
        return List.copyOf(records);
    }

    private void pollOnce() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            records.add(decoder.deserialize(record));
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
