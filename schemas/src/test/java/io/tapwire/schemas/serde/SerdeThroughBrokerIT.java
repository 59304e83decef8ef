package io.tapwire.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.SampleEvents;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.registry.RegisteredSchema;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A record produced through the serializer is consumed through the deserializer, over a real broker and registry. */
class SerdeThroughBrokerIT {

    private static final String TOPIC = TapwireTopic.RAW_L7.topicName();

    @Test
    void recordsRoundTripThroughTheBrokerAndTheRegistryNamesTheirSubject() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             SchemaRegistryServer registry = SchemaRegistryServer.builder()
                     .bootstrapServers(broker.bootstrapServers()).port(0).build().start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(partitions(3)).plan());
            }
            Map<String, Object> serdeConfig = Map.of(RegistryClientConfig.URL, registry.url());
            TapwireAvroSerializer<PayloadEvent> serializer = new TapwireAvroSerializer<>(PayloadEvent.class);
            serializer.configure(serdeConfig, false);
            List<PayloadEvent> sent = new ArrayList<>();
            try (KafkaProducer<String, PayloadEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), serializer)) {
                for (int i = 0; i < 50; i++) {
                    PayloadEvent event = SampleEvents.httpRequest(i);
                    sent.add(event);
                    producer.send(new ProducerRecord<>(TOPIC, "prod/node-7/boot/" + (i % 5), event)).get();
                }
            }

            TapwireAvroDeserializer<PayloadEvent> deserializer = new TapwireAvroDeserializer<>(PayloadEvent.class);
            deserializer.configure(serdeConfig, false);
            List<PayloadEvent> received = new ArrayList<>();
            try (KafkaConsumer<String, PayloadEvent> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "serde-it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), deserializer)) {
                consumer.subscribe(List.of(TOPIC));
                long deadline = System.currentTimeMillis() + 30_000;
                while (received.size() < sent.size() && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, PayloadEvent> record : consumer.poll(Duration.ofMillis(200))) {
                        received.add(record.value());
                    }
                }
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(sent);

            RegisteredSchema latest = new RegistryClient(RegistryClientConfig.of(registry.url())).latest(TOPIC + "-value");
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.schema()).isEqualTo(PayloadEvent.getClassSchema());
        }
    }

    private static java.util.Properties partitions(int n) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("tapwire.topics.partitions", String.valueOf(n));
        return props;
    }
}
