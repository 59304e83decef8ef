package io.tapwire.streams.app;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import io.tapwire.schemas.settings.TypedProperties;

/**
 * {@code java io.tapwire.streams.app.StreamsMain [--config FILE]}: runs the topology until SIGTERM/Ctrl-C.
 * Settings come from the file, overridden by {@code -Dtapwire.*} system properties (see {@link StreamsSettings}).
 * A bad setting ends with one message and exit code 2.
 */
public final class StreamsMain {

    private StreamsMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StreamsSettings settings;
        try {
            settings = StreamsSettings.fromProperties(properties(args));
        } catch (IllegalArgumentException e) {
            System.err.println("tapwire-topology: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            TopologyRunner runner = new TopologyRunner(settings);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                runner.close();
                stopped.countDown();
            }, "tapwire-topology-shutdown"));
            runner.start(Duration.ofSeconds(120));
        } catch (IllegalStateException e) {
            System.err.println("tapwire-topology: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("Tapwire topology running (application id " + settings.applicationId() + ", Kafka at "
                + settings.bootstrapServers() + ")");
        stopped.await();
    }

    static Properties properties(String[] args) {
        Properties props = TypedProperties.configFile(args, "StreamsMain");
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("tapwire."))
                .forEach(n -> props.setProperty(n, System.getProperty(n)));
        return props;
    }
}
