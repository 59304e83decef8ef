package io.tapwire.collector.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.tapwire.servers.Dnsmasq;
import io.tapwire.servers.MariaDb;
import io.tapwire.servers.Memcached;
import io.tapwire.servers.Nginx;
import io.tapwire.servers.Postgres;
import io.tapwire.servers.Redis;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.Transport;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Records real L7 traffic as parser fixtures: starts the embedded broker and the collector, one real server, runs a
 * real client command against it, and writes every payload record of the server's port, in the collector's own
 * record form (Avro JSON of {@code PayloadEvent}, one per line, ordered by kernel time), after a first line starting
 * with {@code #} that says how it was made. Not a test: run it by hand, as root, when a parser needs a new capture:
 *
 * <pre>
 * ./mvnw -q -o -pl edge-collector test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.tapwire.collector.app.CaptureFixtures \
 *     -Dexec.args="postgres streams-topology/src/test/resources/captures/postgres/simple-query.jsonl psql -c 'SELECT 1'"
 * </pre>
 *
 * Servers: nginx, postgres, mariadb, redis, redis-auth (requirepass {@value #REDIS_PASSWORD}), memcached, dnsmasq.
 * The command runs through {@code sh -c}; {@code {port}} in it becomes the server's port, and the clients' usual
 * variables point at the server ({@code PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE} for psql and pgbench; for the
 * mariadb client pass {@code -h 127.0.0.1 -P {port} -u tapwire -ptapwire-secret tapwire --protocol=TCP}; for
 * redis-cli {@code -p {port}}; for dig {@code @127.0.0.1 -p {port}}). Several commands: separate them with {@code ;}
 * inside the one argument.
 */
public final class CaptureFixtures {

    static final String REDIS_PASSWORD = "redis-pass-4711";

    private CaptureFixtures() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: CaptureFixtures SERVER OUTPUT.jsonl CLIENT-COMMAND...");
            System.exit(2);
        }
        String server = args[0];
        Path output = Path.of(args[1]);
        String command = String.join(" ", Arrays.copyOfRange(args, 2, args.length));
        try (CollectorStack stack = CollectorStack.startKafka(); AutoCloseable running = start(server)) {
            stack.startCollector();
            int port = port(running);
            Map<String, String> environment = Map.of("PGHOST", "127.0.0.1", "PGPORT", Integer.toString(port),
                    "PGUSER", Postgres.USER, "PGPASSWORD", Postgres.PASSWORD, "PGDATABASE", Postgres.DATABASE);
            String resolved = command.replace("{port}", Integer.toString(port));
            ProcessBuilder client = new ProcessBuilder("sh", "-c", resolved).inheritIO();
            client.environment().putAll(environment);
            int exit = client.start().waitFor();
            System.err.println("client exited " + exit);

            List<PayloadEvent> records;
            if (running instanceof Dnsmasq) {
                stack.payloads().await(e -> e.getTransport() == Transport.UDP && e.getTuple().getLocalPort() == port,
                        "dnsmasq's records");
                Thread.sleep(2000);
                records = stack.payloads().readToEnd().stream()
                        .filter(e -> e.getTuple().getLocalPort() == port || e.getTuple().getRemotePort() == port).toList();
            } else {
                records = PayloadStreams.ofPort(stack, port, 1).records();
            }
            records = new ArrayList<>(records);
            records.sort(Comparator.comparingLong(e -> e.getHeader().getKernelTimeNs()));
            write(output, server, resolved, exit, records);
            System.err.println(records.size() + " records written to " + output);
        }
    }

    private static AutoCloseable start(String server) {
        return switch (server) {
            case "nginx" -> new Nginx();
            case "postgres" -> new Postgres();
            case "mariadb" -> new MariaDb();
            case "redis" -> new Redis();
            case "redis-auth" -> new Redis(REDIS_PASSWORD);
            case "memcached" -> new Memcached();
            case "dnsmasq" -> new Dnsmasq();
            default -> throw new IllegalArgumentException("unknown server " + server
                    + " (nginx, postgres, mariadb, redis, redis-auth, memcached, dnsmasq)");
        };
    }

    private static int port(AutoCloseable server) {
        if (server instanceof Nginx s) {
            return s.port();
        } else if (server instanceof Postgres s) {
            return s.port();
        } else if (server instanceof MariaDb s) {
            return s.port();
        } else if (server instanceof Redis s) {
            return s.port();
        } else if (server instanceof Memcached s) {
            return s.port();
        } else if (server instanceof Dnsmasq s) {
            return s.port();
        }
        throw new IllegalArgumentException(server.getClass().getName());
    }

    private static void write(Path output, String server, String command, int exit, List<PayloadEvent> records)
            throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("# captured ").append(LocalDate.now()).append(" by io.tapwire.collector.app.CaptureFixtures: server ")
                .append(server).append(" (Debian package), client command: ").append(command.replace('\n', ' '))
                .append(" (exit ").append(exit).append("); ").append(records.size())
                .append(" PayloadEvent records of the server's port, Avro JSON, in kernel time order\n");
        SpecificDatumWriter<PayloadEvent> writer = new SpecificDatumWriter<>(PayloadEvent.class);
        for (PayloadEvent record : records) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(PayloadEvent.getClassSchema(), line);
            writer.write(record, encoder);
            encoder.flush();
            text.append(line.toString(StandardCharsets.UTF_8).replace("\n", "")).append('\n');
        }
        if (output.getParent() != null) {
            Files.createDirectories(output.getParent());
        }
        Files.writeString(output, text);
    }
}
