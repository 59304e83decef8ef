package io.tapwire.api.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.schemas.registry.RegistryException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The tailer on a real broker: it waits for a topic created after it started, reads again what the registry failed
 * (nothing skipped, nothing twice, order kept per partition), and resumes where its sink says.
 */
class TopicTailerIT {

    private static final String TOPIC = "tailer-it";
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Records what it applied; the registry "fails" the first time it sees each value in {@code failOnce}. */
    private static class RecordingSink implements RecordSink {
        final List<String> applied = new ArrayList<>();
        final Set<String> failOnce;
        final Map<TopicPartition, Long> startOffsets;
        volatile int size;

        RecordingSink(Set<String> failOnce, Map<TopicPartition, Long> startOffsets) {
            this.failOnce = new HashSet<>(failOnce);
            this.startOffsets = startOffsets;
        }

        @Override
        public Map<TopicPartition, Long> startOffsets() {
            return startOffsets;
        }

        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
            String value = new String(record.value());
            if (failOnce.remove(value)) {
                throw new RegistryException(503, 50301, "registry away");
            }
            applied.add(record.partition() + ":" + value);
            size = applied.size();
        }

        @Override
        public void afterPoll() {
        }
    }

    @Test
    void waitsForItsTopicReadsAgainWhatTheRegistryFailedAndResumesWhereTold() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            RecordingSink sink = new RecordingSink(Set.of("a2", "b2"), Map.of());
            try (TopicTailer tailer = new TopicTailer("test", broker.bootstrapServers(), Duration.ofSeconds(1),
                    List.of(TOPIC), sink).start()) {
                Thread.sleep(1500); // the tailer looks for the topic before it exists
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers()))) {
                    admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
                }
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                        new StringSerializer(), new ByteArraySerializer())) {
                    for (String value : List.of("a1", "a2", "a3")) {
                        producer.send(new ProducerRecord<>(TOPIC, 0, "k", value.getBytes()));
                    }
                    for (String value : List.of("b0", "b1", "b2", "b3")) {
                        producer.send(new ProducerRecord<>(TOPIC, 1, "k", value.getBytes()));
                    }
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (sink.size < 7) {
                    assertThat(System.nanoTime()).as("applied only %s", sink.applied).isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(tailer.stop()).isTrue();
                assertThat(tailer.failure()).isNull();
            }
            assertThat(sink.applied.stream().filter(r -> r.startsWith("0:"))).containsExactly("0:a1", "0:a2", "0:a3");
            assertThat(sink.applied.stream().filter(r -> r.startsWith("1:")))
                    .containsExactly("1:b0", "1:b1", "1:b2", "1:b3");

            RecordingSink resumed = new RecordingSink(Set.of(), Map.of(new TopicPartition(TOPIC, 0), 2L,
                    new TopicPartition(TOPIC, 1), 3L));
            try (TopicTailer tailer = new TopicTailer("test", broker.bootstrapServers(), Duration.ofSeconds(1),
                    List.of(TOPIC), resumed).start()) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (resumed.size < 2) {
                    assertThat(System.nanoTime()).as("applied only %s", resumed.applied).isLessThan(deadline);
                    Thread.sleep(50);
                }
                Thread.sleep(500);
            }
            assertThat(resumed.applied).as("resumed where told").containsExactlyInAnyOrder("0:a3", "1:b3");
        }
    }

    @Test
    void isCaughtUpOnlyOnceItsSinkHasEveryRecordThatWasThereWhenItBegan() throws Exception {
        String topic = TOPIC + "-backlog";
        int backlog = 200;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            }
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < backlog; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k", ("v" + i).getBytes()));
                }
            }
            // a slow read model: 10 ms per record, two seconds for the backlog
            RecordingSink slow = new RecordingSink(Set.of(), Map.of()) {
                @Override
                public void accept(ConsumerRecord<String, byte[]> record) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    super.accept(record);
                }
            };
            try (TopicTailer tailer = new TopicTailer("test", broker.bootstrapServers(), Duration.ofSeconds(1),
                    List.of(topic), slow).start()) {
                assertThat(tailer.caughtUp()).as("not before it has read anything").isFalse();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!tailer.caughtUp()) {
                    assertThat(System.nanoTime()).as("applied only %d", slow.size).isLessThan(deadline);
                    Thread.sleep(5);
                }
                assertThat(slow.size).as("every record of the backlog applied when caught up").isEqualTo(backlog);
            }
        }
    }
}
