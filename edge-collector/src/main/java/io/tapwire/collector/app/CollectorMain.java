package io.tapwire.collector.app;

import java.util.concurrent.CountDownLatch;

import io.tapwire.collector.bpf.LibBpfException;
import io.tapwire.schemas.settings.TypedProperties;

/**
 * {@code java io.tapwire.collector.app.CollectorMain [--config FILE]}: runs the collector until SIGTERM/Ctrl-C.
 * Settings from the file, then {@code TAPWIRE_*} environment variables, then {@code -D} system properties. A bad
 * setting exits 2, a machine that cannot run the probes (not root, no BTF) exits 1, each with one message; SIGTERM
 * or Ctrl-C detaches the probes, flushes what was produced and exits 0.
 */
public final class CollectorMain {

    private CollectorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        CollectorSettings settings;
        try {
            settings = CollectorSettings.from(TypedProperties.layered(TypedProperties.configFile(args, "CollectorMain"), CollectorSettings.NAMES, System.getenv(),
                    System.getProperties()));
        } catch (IllegalArgumentException e) {
            System.err.println("tapwire-collector: " + e.getMessage());
            System.exit(2);
            return;
        }
        Collector collector;
        try {
            collector = Collector.start(settings);
        } catch (IllegalStateException | LibBpfException e) {
            System.err.println("tapwire-collector: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            stopped.countDown();
            // A JVM stopped by a signal exits with 128 + signal (143 for SIGTERM) once its hooks are done, which
            // service managers and scripts read as a failure. The collector closed cleanly, so it exits 0; had
            // close() failed, the hook would end before this line and the exit status would stay 143.
            Runtime.getRuntime().halt(0);
        }, "tapwire-collector-shutdown"));
        System.out.println("Tapwire collector running on node " + collector.identity().node() + " (cluster "
                + collector.identity().cluster() + "): " + collector.attachedPrograms().size()
                + " programs attached, producing to Kafka at " + settings.bootstrapServers() + ", metrics at http://"
                + settings.metricsHost() + ":" + collector.metricsPort() + "/metrics");
        stopped.await();
    }
}
