package io.tapwire.local;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.serde.UndecodableRecordException;
import io.tapwire.schemas.topics.TapwireTopic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code WatchTopic TOPIC [--from-beginning] [--bootstrap HOST:PORT] [--registry URL]}: prints every record of a
 * Tapwire topic as one line: partition, offset, key, and the decoded value as JSON. Heartbeats are left out unless
 * {@code --heartbeats} is given. Reads committed records only, as every consumer of Tapwire topics should.
 */
public final class WatchTopic {

    private WatchTopic() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: watch-topic TOPIC [--from-beginning] [--heartbeats] [--bootstrap HOST:PORT] [--registry URL]"
                    + "\ntopics: " + java.util.Arrays.stream(TapwireTopic.values()).map(TapwireTopic::topicName).toList());
            System.exit(2);
        }
        TapwireTopic topic = TapwireTopic.byName(args[0]).orElse(null);
        if (topic == null) {
            System.err.println("tapwire: unknown topic " + args[0]);
            System.exit(2);
        }
        List<String> options = List.of(args).subList(1, args.length);
        String bootstrap = option(options, "--bootstrap", "127.0.0.1:9092");
        String registry = option(options, "--registry", "http://127.0.0.1:8081");
        boolean heartbeats = options.contains("--heartbeats");
        watch(topic, bootstrap, registry, options.contains("--from-beginning"), heartbeats);
    }

    private static <T extends SpecificRecord> void watch(TapwireTopic topic, String bootstrap, String registry,
                                                         boolean fromBeginning, boolean heartbeats) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) topic.valueClass();
        TapwireAvroDeserializer<T> decode = new TapwireAvroDeserializer<>(type,
                new RegistryClient(RegistryClientConfig.of(registry)));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "tapwire-watch-" + ProcessHandle.current().pid(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.topicName()));
            System.err.println("Watching " + topic.topicName() + " at " + bootstrap + " (Ctrl-C to stop)");
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    print(record, decode, heartbeats);
                }
            }
        }
    }

    private static <T extends SpecificRecord> void print(ConsumerRecord<String, byte[]> record,
                                                         TapwireAvroDeserializer<T> decode, boolean heartbeats) {
        String where = record.partition() + "@" + record.offset() + " " + record.key() + " ";
        try {
            T value = decode.deserialize(record);
            if (value == null) {
                System.out.println(where + "(tombstone)");
                return;
            }
            if (!heartbeats && value.toString().contains("\"heartbeat\": true")) {
                return;
            }
            System.out.println(where + value);
        } catch (UndecodableRecordException e) {
            System.out.println(where + "(undecodable: " + e.reason() + ")");
        }
    }

    private static String option(List<String> options, String name, String defaultValue) {
        int at = options.indexOf(name);
        return at >= 0 && at + 1 < options.size() ? options.get(at + 1) : defaultValue;
    }
}
