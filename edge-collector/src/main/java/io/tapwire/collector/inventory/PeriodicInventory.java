package io.tapwire.collector.inventory;

import io.tapwire.schemas.raw.NodeInventory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes an inventory snapshot at start and then every interval, on a thread of its own, and hands the parts to a
 * sink (the producer). A snapshot that fails is logged and the next one is taken on schedule: one bad read of
 * /proc must not stop the inventory.
 */
public final class PeriodicInventory implements AutoCloseable {

    /** Default interval: often enough that a replay bootstraps from recent state, rare enough to cost nothing. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicInventory.class);

    private final InventorySnapshotter snapshotter;
    private final Duration interval;
    private final LongSupplier clockOffsetNs;
    private final InventoryPartHeaders headers;
    private final Consumer<List<NodeInventory>> sink;
    private final ScheduledExecutorService executor;

    /**
     * @param interval      time between the ends of one snapshot and the start of the next
     * @param clockOffsetNs the caller's latest measure of CLOCK_REALTIME minus CLOCK_MONOTONIC
     * @param headers       headers for each part (see {@link InventoryPartHeaders})
     * @param sink          receives each snapshot's parts, in order
     */
    public PeriodicInventory(InventorySnapshotter snapshotter, Duration interval, LongSupplier clockOffsetNs,
            InventoryPartHeaders headers, Consumer<List<NodeInventory>> sink) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("inventory interval must be positive, got " + interval);
        }
        this.snapshotter = Objects.requireNonNull(snapshotter, "snapshotter");
        this.interval = interval;
        this.clockOffsetNs = Objects.requireNonNull(clockOffsetNs, "clockOffsetNs");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tapwire-inventory");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Takes the first snapshot now and schedules the others. */
    public void start() {
        executor.scheduleWithFixedDelay(this::takeOne, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void takeOne() {
        try {
            sink.accept(snapshotter.snapshot(clockOffsetNs.getAsLong(), headers));
        } catch (RuntimeException e) {
            LOG.warn("inventory snapshot failed; the next one is due in {}", interval, e);
        }
    }

    /** Stops scheduling and waits briefly for a snapshot in progress. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("an inventory snapshot was still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
