package io.tapwire.kafka.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.broker.FreePorts;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several instances on one store topic act as one registry: one writer, agreed ids, and a failover. */
class RegistryLeaderElectionIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void concurrentRegistrationsThroughTwoInstancesGetDistinctAgreedIdsAndTheFollowerTakesOver() throws Exception {
        String topic = "_schemas_two_instances";
        SchemaRegistryServer a = start(topic);
        SchemaRegistryServer b = start(topic);
        try {
            assertThat(List.of(a.isLeader(), b.isLeader())).as("exactly one leader").containsExactlyInAnyOrder(true, false);
            RegistryHttp[] clients = {new RegistryHttp(a.url()), new RegistryHttp(b.url())};

            // 40 different schemas under 10 subjects (NONE, so any schema may follow any), 20 threads, both instances.
            assertThat(clients[0].put("/config", Map.of("compatibility", "NONE")).status()).isEqualTo(200);
            Map<String, Integer> idBySchema = new ConcurrentHashMap<>();
            ExecutorService threads = Executors.newFixedThreadPool(20);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                done.add(threads.submit(() -> {
                    String schema = RegistryHttp.recordSchema("Event" + n, "{\"name\": \"f\", \"type\": \"int\"}");
                    idBySchema.put(schema, clients[n % 2].register("subject-" + (n % 10), schema));
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            threads.shutdown();

            assertThat(new HashSet<>(idBySchema.values())).as("40 schemas, 40 distinct ids").hasSize(40);
            assertThat(idBySchema.values()).allSatisfy(id -> assertThat(id).isBetween(1, 40));
            for (Map.Entry<String, Integer> e : idBySchema.entrySet()) {
                for (RegistryHttp client : clients) {
                    assertThat(new Avro(client.get("/schemas/ids/" + e.getValue()).json().get("schema").asText()))
                            .isEqualTo(new Avro(e.getKey()));
                }
            }
            assertThat(everySubjectVersion(clients[1])).isEqualTo(everySubjectVersion(clients[0]));

            // The leader leaves; the other instance takes over writes.
            SchemaRegistryServer leader = a.isLeader() ? a : b;
            SchemaRegistryServer survivor = leader == a ? b : a;
            leader.close();
            RegistryHttp client = new RegistryHttp(survivor.url());
            int id = client.register("after-failover", RegistryHttp.recordSchema("Late", "{\"name\": \"x\", \"type\": \"int\"}"));
            assertThat(id).as("the new leader continues the id sequence").isEqualTo(41);
            assertThat(survivor.isLeader()).isTrue();
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aFollowerForwardsWritesAndReadsItsOwnWrite() {
        String topic = "_schemas_forwarding";
        try (SchemaRegistryServer leader = start(topic); SchemaRegistryServer follower = start(topic)) {
            assertThat(leader.isLeader()).isTrue();
            assertThat(follower.isLeader()).isFalse();
            RegistryHttp http = new RegistryHttp(follower.url());
            int id = http.register("forwarded-value", "\"string\"");
            // Answered only once the follower has read the leader's record: the write is visible here at once.
            assertThat(http.get("/subjects/forwarded-value/versions/latest").json().get("id").asInt()).isEqualTo(id);
            assertThat(http.put("/config/forwarded-value", Map.of("compatibility", "FULL")).status()).isEqualTo(200);
            assertThat(http.get("/config/forwarded-value").json().get("compatibilityLevel").asText()).isEqualTo("FULL");
            RegistryHttp.Answer incompatible = http.post("/subjects/forwarded-value/versions", Map.of("schema", "\"int\""));
            assertThat(incompatible.status()).as("the leader's 409 is relayed").isEqualTo(409);
            assertThat(incompatible.errorCode()).isEqualTo(409);
        }
    }

    @Test
    void writesWithoutAReachableLeaderAnswer50003() {
        String topic = "_schemas_no_leader";
        // A leader that advertises a URL nobody listens on: followers cannot forward to it.
        String unreachable = "http://127.0.0.1:" + FreePorts.pick();
        try (SchemaRegistryServer leader = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                     .topic(topic).port(0).advertisedUrl(unreachable).build().start();
             SchemaRegistryServer follower = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                     .topic(topic).port(0).writeTimeout(Duration.ofSeconds(2)).build().start()) {
            assertThat(leader.isLeader()).isTrue();
            RegistryHttp http = new RegistryHttp(follower.url());
            RegistryHttp.Answer answer = http.post("/subjects/x/versions", Map.of("schema", "\"string\""));
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.errorCode()).isEqualTo(50003);
            assertThat(answer.json().get("message").asText()).contains(unreachable);
            assertThat(http.get("/subjects").json()).isEmpty();
            // Reads never need the leader.
            assertThat(http.get("/config").status()).isEqualTo(200);
        }
    }

    @Test
    void aLeaderFencedByANewerWriterWritesNothingMore() {
        String topic = "_schemas_fenced";
        try (SchemaRegistryServer leader = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                .topic(topic).port(0).writeTimeout(Duration.ofSeconds(2)).build().start()) {
            RegistryHttp http = new RegistryHttp(leader.url());
            assertThat(http.register("before-value", "\"string\"")).isEqualTo(1);

            // What a successor does when it takes over, while this leader still believes it leads (a long pause).
            try (KafkaProducer<byte[], byte[]> successor = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, SchemaRegistryServer.transactionalId(topic)),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                successor.initTransactions();
            }

            RegistryHttp.Answer answer = http.post("/subjects/after-value/versions", Map.of("schema", "\"int\""));
            assertThat(answer.errorCode()).as(answer.body()).isEqualTo(50003);
            assertThat(leader.isLeader()).isFalse();
            assertThat(http.get("/subjects").json().toString()).isEqualTo("[\"before-value\"]");
        }
    }

    /** Every subject's version list and every version's body, keyed by path. */
    private static Map<String, String> everySubjectVersion(RegistryHttp http) {
        Map<String, String> all = new TreeMap<>();
        for (var subject : http.get("/subjects").json()) {
            String versionsPath = "/subjects/" + subject.asText() + "/versions";
            all.put(versionsPath, http.get(versionsPath).body());
            for (var version : http.get(versionsPath).json()) {
                String path = versionsPath + "/" + version.asInt();
                all.put(path, http.get(path).body());
            }
        }
        return all;
    }

    private static SchemaRegistryServer start(String topic) {
        return SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers()).topic(topic).port(0)
                .build().start();
    }

    /** Compares schemas as Avro schemas, not as text. */
    private record Avro(Schema schema) {
        Avro(String text) {
            this(new Schema.Parser().parse(text));
        }
    }
}
