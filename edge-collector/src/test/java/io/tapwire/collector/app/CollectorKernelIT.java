package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.kafka.broker.EmbeddedKafkaBroker;
import io.tapwire.kafka.registry.SchemaRegistryServer;
import io.tapwire.schemas.raw.FileEvent;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.registry.RegistryClient;
import io.tapwire.schemas.registry.RegistryClientConfig;
import io.tapwire.schemas.serde.TapwireAvroDeserializer;
import io.tapwire.schemas.settings.TypedProperties;
import io.tapwire.schemas.topics.TapwireTopic;
import io.tapwire.schemas.topics.TopicBootstrapper;
import io.tapwire.schemas.topics.TopicSettings;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole collector on the real kernel, producing to a real broker through the real registry: activity caused
 * by the test comes back from Kafka as decoded raw records with the right facts.
 */
class CollectorKernelIT {

    @Test
    void processTcpFileAndInventoryRecordsReachKafka(@TempDir Path dir) throws Exception {
        KernelPrerequisites.requireAll();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
             SchemaRegistryServer registry = SchemaRegistryServer.builder().bootstrapServers(broker.bootstrapServers())
                     .port(0).build().start()) {
            Properties topics = new Properties();
            topics.setProperty("tapwire.topics.partitions", "2");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                new TopicBootstrapper(admin, (short) 1).ensure(TopicSettings.fromProperties(topics).plan());
            }
            Properties props = new Properties();
            props.setProperty("tapwire.kafka.bootstrap-servers", broker.bootstrapServers());
            props.setProperty("tapwire.registry.url", registry.url());
            props.setProperty("tapwire.collector.cluster", "test");
            // The test JVM causes the activity, and its children would be excluded with it.
            props.setProperty("tapwire.collector.exclude-self", "false");
            props.setProperty("tapwire.collector.metrics-port", "0");
            props.setProperty("tapwire.collector.heartbeat-interval", "1s");
            CollectorSettings settings = CollectorSettings.from(new TypedProperties(props));

            long childPid;
            int clientPort;
            Path logFile = dir.resolve("tapwire-collector-it.log");
            try (Collector collector = Collector.start(settings)) {
                assertThat(collector.producerReady()).isTrue();
                Process child = new ProcessBuilder("/bin/sh", "-c", "exit 3").start();
                assertThat(child.waitFor()).isEqualTo(3);
                childPid = child.pid();
                clientPort = exchangeOverTcp();
                Files.writeString(logFile, "written by the test\n");
                awaitRecords(broker, registry, TapwireTopic.RAW_PROCESS, ProcessEvent.class,
                        e -> e.getTask().getPid() == childPid && e.getType() == ProcessEventType.EXIT);
                String exposition = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + collector.metricsPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(exposition).containsPattern("tapwire_collector_events_total\\{type=\"process_exec\"} [1-9]");
            }

            List<ProcessEvent> processes = awaitRecords(broker, registry, TapwireTopic.RAW_PROCESS, ProcessEvent.class,
                    e -> e.getTask().getPid() == childPid && e.getType() == ProcessEventType.EXIT);
            List<ProcessEvent> ofChild = processes.stream().filter(e -> e.getTask().getPid() == childPid).toList();
            assertThat(ofChild).extracting(ProcessEvent::getType).contains(ProcessEventType.EXEC, ProcessEventType.EXIT);
            // The JVM starts children through jspawnhelper, which then execs the command: two execs, one pid.
            ProcessEvent exec = ofChild.stream().filter(e -> e.getType() == ProcessEventType.EXEC
                    && "/bin/sh".equals(e.getExecFilename())).findFirst().orElseThrow();
            assertThat(exec.getHeader().getCluster()).isEqualTo("test");
            assertThat(exec.getPpid()).isEqualTo(ProcessHandle.current().pid());
            ProcessEvent exit = ofChild.stream().filter(e -> e.getType() == ProcessEventType.EXIT).findFirst().orElseThrow();
            assertThat(exit.getExitCode()).isEqualTo(3);
            assertThat(exit.getHeader().getSeq()).isGreaterThan(exec.getHeader().getSeq());
            assertThat(awaitRecords(broker, registry, TapwireTopic.RAW_PROCESS, ProcessEvent.class,
                    e -> e.getHeader().getHeartbeat())).anySatisfy(e -> assertThat(e.getTask().getComm()).isNotEmpty());

            List<TcpEvent> tcp = awaitRecords(broker, registry, TapwireTopic.RAW_TCP, TcpEvent.class,
                    e -> e.getType() == TcpEventType.CLOSE && e.getTuple().getLocalPort() == clientPort);
            TcpEvent connect = tcp.stream().filter(e -> e.getType() == TcpEventType.CONNECT_OK
                    && e.getTuple().getLocalPort() == clientPort).findFirst().orElseThrow();
            TcpEvent close = tcp.stream().filter(e -> e.getType() == TcpEventType.CLOSE
                    && e.getTuple().getLocalPort() == clientPort).findFirst().orElseThrow();
            assertThat(connect.getHandshakeNs()).isPositive();
            assertThat(close.getSocketInode()).isEqualTo(connect.getSocketInode());
            assertThat(close.getBytesSent()).isEqualTo(5L);
            assertThat(close.getBytesReceived()).isEqualTo(3L);
            assertThat(close.getTuple().getRemoteAddress()).isIn("127.0.0.1", "::ffff:127.0.0.1");

            List<FileEvent> files = awaitRecords(broker, registry, TapwireTopic.RAW_FILE, FileEvent.class,
                    e -> e.getPath().equals(logFile.toString()));
            assertThat(files).anySatisfy(f -> assertThat(f.getTask().getPid()).isEqualTo((int) ProcessHandle.current().pid()));

            List<NodeInventory> inventory = awaitRecords(broker, registry, TapwireTopic.RAW_INVENTORY, NodeInventory.class,
                    e -> !e.getHeader().getHeartbeat() && e.getProcesses().stream()
                            .anyMatch(p -> p.getPid() == ProcessHandle.current().pid()));
            assertThat(inventory).isNotEmpty();
        }
        assertThat(runBpftool()).as("nothing of ours stays loaded").doesNotContain("tapwire_");
    }

    /** A client connects to a server in this JVM, sends 5 bytes, receives 3, closes; returns the client's port. */
    private static int exchangeOverTcp() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            out.write("hello".getBytes());
            out.flush();
            accepted.getInputStream().readNBytes(5);
            accepted.getOutputStream().write("bye".getBytes());
            InputStream in = client.getInputStream();
            in.readNBytes(3);
            int port = client.getLocalPort();
            client.shutdownOutput();
            accepted.shutdownOutput();
            return port;
        }
    }

    private static <T extends SpecificRecord> List<T> awaitRecords(EmbeddedKafkaBroker broker, SchemaRegistryServer registry,
                                                                   TapwireTopic topic, Class<T> type, Predicate<T> until) {
        TapwireAvroDeserializer<T> decode = new TapwireAvroDeserializer<>(type,
                new RegistryClient(RegistryClientConfig.of(registry.url())));
        List<T> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "collector-it-" + topic.topicName() + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.topicName()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(decode.deserialize(record));
                }
                if (records.stream().anyMatch(until)) {
                    return records;
                }
            }
        }
        throw new AssertionError("no matching record in " + topic.topicName() + " within 30 s; got " + records.size());
    }

    private static String runBpftool() throws IOException, InterruptedException {
        Process bpftool = new ProcessBuilder(KernelPrerequisites.bpftool(), "prog", "show").redirectErrorStream(true).start();
        String out = new String(bpftool.getInputStream().readAllBytes());
        bpftool.waitFor();
        return out;
    }
}
