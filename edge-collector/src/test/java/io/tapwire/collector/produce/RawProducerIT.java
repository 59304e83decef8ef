package io.tapwire.collector.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.tapwire.collector.metrics.CollectorMetrics;
import io.tapwire.collector.node.ClockOffset;
import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.collector.node.RecordHeaders;
import io.tapwire.collector.node.SequenceNumbers;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class RawProducerIT {

    private static final TaskContext COLLECTOR = TaskContext.newBuilder().setPid(1).setTid(1).setComm("tapwire")
            .setCgroupId(0).setNetnsInode(0).build();

    @Test
    void recordsAndAHeartbeatOnEveryPartitionOfEveryRawTopicReachKafka() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             SchemaRegistryServer registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                     .port(0).build().start()) {
            Properties topics = new Properties();
            topics.setProperty("tapwire.topics.partitions", "3");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topics).plan());
            }
            RegistryClient client = new RegistryClient(RegistryClientConfig.of(registry.url()));
            CollectorMetrics metrics = new CollectorMetrics();
            RecordHeaders headers = new RecordHeaders(new NodeIdentity("prod", "node-1", "boot-1"), new SequenceNumbers(),
                    ClockOffset.measure());
            ProcessEvent exec;
            int heartbeats;
            try (RawProducer producer = new RawProducer(ProducerSettings.defaults(broker.bootstrapServers()), client, metrics)) {
                assertThat(producer.prepare(Duration.ofSeconds(30))).as(producer.lastPrepareError()).isTrue();
                exec = ProcessEvent.newBuilder().setHeader(headers.event(System.nanoTime())).setTask(COLLECTOR)
                        .setType(ProcessEventType.EXEC).setPpid(0).setStartTimeTicks(7).build();
                assertThat(producer.send(TapwireTopic.RAW_PROCESS, "prod/node-1/1", exec, exec.getHeader().getEpochTimeNs())).isTrue();
                heartbeats = new HeartbeatSender(producer, headers, COLLECTOR).sendAll();
                producer.flush();
            }
            assertThat(heartbeats).isEqualTo(6 * 3);
            assertThat(metrics.render()).contains("tapwire_collector_records_sent_total{topic=\"tapwire.raw.process.v1\"} 4");

            List<ConsumerRecord<String, byte[]>> records = readAll(broker.bootstrapServers(), TapwireTopic.RAW_PROCESS, 4);
            TapwireAvroDeserializer<ProcessEvent> decode = new TapwireAvroDeserializer<>(ProcessEvent.class, client);
            Map<Integer, Integer> heartbeatsByPartition = new HashMap<>();
            List<ProcessEvent> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                ProcessEvent event = decode.deserialize(record);
                assertThat(record.timestamp()).isEqualTo(event.getHeader().getEpochTimeNs() / 1_000_000L);
                if (event.getHeader().getHeartbeat()) {
                    heartbeatsByPartition.merge(record.partition(), 1, Integer::sum);
                    assertThat(record.key()).isEqualTo("prod/node-1/0");
                } else {
                    events.add(event);
                }
            }
            assertThat(heartbeatsByPartition).containsOnlyKeys(0, 1, 2);
            assertThat(events).containsExactly(exec);
        }
    }

    /**
     * zstd goes through a native library (zstd-jni): it must load here and its batches must read back whole, at a level
     * set (3, Kafka's default for zstd) as at the collector's default (1, the other tests).
     */
    @Test
    void zstdCompressedBatchesReadBackAsSent() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             SchemaRegistryServer registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                     .port(0).build().start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(new Properties()).plan());
            }
            RegistryClient client = new RegistryClient(RegistryClientConfig.of(registry.url()));
            RecordHeaders headers = new RecordHeaders(new NodeIdentity("prod", "node-1", "boot-1"), new SequenceNumbers(),
                    ClockOffset.measure());
            ProducerSettings defaults = ProducerSettings.defaults(broker.bootstrapServers());
            ProducerSettings zstd = defaults.withCompression("zstd", 3);
            List<ProcessEvent> sent = new ArrayList<>();
            try (RawProducer producer = new RawProducer(zstd, client, new CollectorMetrics())) {
                assertThat(producer.prepare(Duration.ofSeconds(30))).as(producer.lastPrepareError()).isTrue();
                for (int pid = 100; pid < 600; pid++) {
                    ProcessEvent exec = ProcessEvent.newBuilder().setHeader(headers.event(System.nanoTime()))
                            .setTask(TaskContext.newBuilder(COLLECTOR).setPid(pid).setTid(pid).build())
                            .setType(ProcessEventType.EXEC).setPpid(1).setStartTimeTicks(pid).build();
                    assertThat(producer.send(TapwireTopic.RAW_PROCESS, "prod/node-1/" + pid, exec,
                            exec.getHeader().getEpochTimeNs())).isTrue();
                    sent.add(exec);
                }
                producer.flush();
            }
            TapwireAvroDeserializer<ProcessEvent> decode = new TapwireAvroDeserializer<>(ProcessEvent.class, client);
            List<ProcessEvent> read = readAll(broker.bootstrapServers(), TapwireTopic.RAW_PROCESS, sent.size()).stream()
                    .map(decode::deserialize).toList();
            assertThat(read).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void whenKafkaIsDownRecordsAreDroppedAndCountedWithoutBlocking() throws Exception {
        CollectorMetrics metrics = new CollectorMetrics();
        RegistryClient unused = new RegistryClient(RegistryClientConfig.of("http://127.0.0.1:1"));
        RecordHeaders headers = new RecordHeaders(new NodeIdentity("prod", "node-1", "boot-1"), new SequenceNumbers(),
                ClockOffset.measure());
        try (RawProducer producer = new RawProducer(ProducerSettings.defaults("127.0.0.1:1"), unused, metrics)) {
            ProcessEvent event = ProcessEvent.newBuilder().setHeader(headers.event(System.nanoTime())).setTask(COLLECTOR)
                    .setType(ProcessEventType.EXEC).setPpid(0).setStartTimeTicks(7).build();
            assertThat(producer.prepare(Duration.ofMillis(300))).isFalse();
            assertThat(producer.lastPrepareError()).contains("tapwire.raw.");
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertThat(producer.send(TapwireTopic.RAW_PROCESS, "prod/node-1/1", event, 0)).isFalse();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("20 sends while not ready").isLessThan(Duration.ofSeconds(1));
        }
        assertThat(metrics.render()).contains("tapwire_collector_dropped_records_total{reason=\"kafka_or_registry_not_ready\"} 20");
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, TapwireTopic topic, int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "raw-producer-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.topicName()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
