package io.tapwire.local;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

import io.tapwire.kafka.broker.BrokerStartException;
import io.tapwire.kafka.registry.RegistryStartException;
import io.tapwire.schemas.registry.RegistryException;
import io.tapwire.schemas.topics.TopicBootstrapException;

/**
 * {@code java -jar local-stack.jar [options]}: starts the local stack, prints one line when it is ready, and
 * stops it cleanly on Ctrl-C (SIGINT) or SIGTERM. Mistakes a user can make end with one clear message and a
 * non-zero exit code, never a stack trace.
 */
public final class LocalStackMain {

    static final int EXIT_USAGE = 2;
    static final int EXIT_START_FAILED = 1;

    private LocalStackMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, new CountDownLatch(1));
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Starts, reports, then waits for {@code stop} (counted down by the shutdown hook) before closing. */
    static int run(String[] args, PrintStream out, PrintStream err, CountDownLatch stop) {
        LocalStackConfig config;
        try {
            config = LocalStackConfig.parse(args);
        } catch (LocalStackConfig.UsageRequested e) {
            out.print(LocalStackConfig.USAGE);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("tapwire: " + e.getMessage());
            return EXIT_USAGE;
        }

        out.println("Starting Tapwire local stack (data in " + config.dataDir().toAbsolutePath() + ") ...");
        long started = System.nanoTime();
        LocalStack stack;
        try {
            stack = new LocalStack(config).start();
        } catch (BrokerStartException | TopicBootstrapException | RegistryStartException | RegistryException
                 | ComponentStartException | DataFormat.DataFormatException e) {
            err.println("tapwire: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println("Stopping Tapwire local stack ...");
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tapwire-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.printf("Tapwire local stack ready in %.1f s: Kafka at %s, %d topics (%d created), schema registry at %s"
                        + " (%d released schemas)%n",
                (System.nanoTime() - started) / 1e9, stack.bootstrapServers(), stack.topics().total(),
                stack.topics().created().size(), stack.registryUrl(), stack.releasedSchemas());
        out.println("  topology: " + (stack.topologyRunning() ? "running" : "off (tapwire.local.topology=false)")
                + "; collector: " + stack.collector().map(c -> "node " + c.identity().node() + ", "
                        + c.attachedPrograms().size() + " programs attached, metrics at http://127.0.0.1:"
                        + c.metricsPort() + "/metrics").orElse("off (tapwire.local.collector=false)"));
        out.println(stack.apiUrl().map(url -> "  UI at " + url + "/ ; API at " + url + "/api/v1/ (reference: " + url
                + "/q/openapi) ; Prometheus metrics at " + url + "/metrics").orElse("  API: off (tapwire.local.api=false)"));
        stack.demo().ifPresent(demo -> out.println("  demo: " + demo.description()));
        out.println("Press Ctrl-C to stop.");
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stack.close();
            out.println("Tapwire local stack stopped.");
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is what stopped us
            }
        }
        return 0;
    }
}
