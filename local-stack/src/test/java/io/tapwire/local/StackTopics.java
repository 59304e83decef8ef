package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the stack's topics from the beginning, committed records only, as a downstream consumer would. */
final class StackTopics {
    private final LocalStack stack;
    private final RegistryClient registry;

    StackTopics(LocalStack stack) {
        this.stack = stack;
        this.registry = new RegistryClient(RegistryClientConfig.of(stack.registryUrl()));
    }

    <V extends SpecificRecord> List<V> await(TapwireTopic topic, Class<V> type, Predicate<V> wanted,
                                             Predicate<List<V>> done, Duration timeout) {
        List<V> found = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = consumer(type)) {
            consumer.subscribe(List.of(topic.topicName()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(found) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null && wanted.test(record.value())) {
                        found.add(record.value());
                    }
                }
            }
        }
        assertThat(done.test(found)).as(topic.topicName() + " within " + timeout + ": " + found).isTrue();
        return found;
    }

    /** The service of every process in tapwire.processes.v1, by pid. */
    Map<Long, String> services() {
        Map<Long, String> services = new HashMap<>();
        try (KafkaConsumer<String, ProcessInfo> consumer = consumer(ProcessInfo.class)) {
            consumer.subscribe(List.of(TapwireTopic.PROCESSES.topicName()));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int emptyPolls = 0;
            while (emptyPolls < 4 && System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(500));
                emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<String, ProcessInfo> record : batch) {
                    if (record.value() != null) {
                        services.put((long) record.value().getPid(), record.value().getService());
                    }
                }
            }
        }
        return services;
    }

    private <V extends SpecificRecord> KafkaConsumer<String, V> consumer(Class<V> type) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + type.getSimpleName() + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new TapwireAvroDeserializer<>(type, registry));
    }
}
