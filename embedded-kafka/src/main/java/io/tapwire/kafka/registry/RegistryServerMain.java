package io.tapwire.kafka.registry;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one schema registry instance on its own:
 *
 * <pre>
 * java -cp ... io.tapwire.kafka.registry.RegistryServerMain --bootstrap-servers 127.0.0.1:9092 \
 *     [--host 127.0.0.1] [--port 8081] [--topic _tapwire_schemas] [--replication-factor 1] [--advertised-url URL]
 * </pre>
 *
 * It prints one line when ready ({@code Schema registry ready at http://127.0.0.1:8081 (leader)}) and stops cleanly
 * on SIGTERM or Ctrl-C: it finishes the requests in progress and leaves the election, so another instance takes
 * over writes at once.
 */
public final class RegistryServerMain {

    private static final String USAGE = "Usage: RegistryServerMain --bootstrap-servers HOST:PORT[,...] [--host 127.0.0.1]"
            + " [--port 8081] [--topic _tapwire_schemas] [--replication-factor 1] [--advertised-url URL]";

    private RegistryServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SchemaRegistryServer.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SchemaRegistryServer server;
        try {
            server = builder.build().start();
        } catch (RuntimeException e) {
            System.err.println("Schema registry failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tapwire-registry-shutdown"));
        PrintStream out = System.out;
        out.println("Schema registry ready at " + server.url() + " (" + server.role() + ")");
        out.flush();
        stopped.await();
    }

    static SchemaRegistryServer.Builder parse(String[] args) {
        SchemaRegistryServer.Builder builder = SchemaRegistryServer.builder();
        boolean haveBootstrap = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                throw new IllegalArgumentException("Runs a Confluent-compatible schema registry backed by a Kafka topic.");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value for " + option);
            }
            String value = args[++i];
            switch (option) {
                case "--bootstrap-servers":
                    builder.bootstrapServers(value);
                    haveBootstrap = true;
                    break;
                case "--host":
                    builder.host(value);
                    break;
                case "--port":
                    builder.port(integer(option, value));
                    break;
                case "--topic":
                    builder.topic(value);
                    break;
                case "--replication-factor":
                    builder.replicationFactor(integer(option, value));
                    break;
                case "--advertised-url":
                    builder.advertisedUrl(value);
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option " + option);
            }
        }
        if (!haveBootstrap) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        return builder;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, was '" + value + "'");
        }
    }
}
