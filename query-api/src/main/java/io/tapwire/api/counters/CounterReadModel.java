package io.tapwire.api.counters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import io.tapwire.api.read.TopicTailer;
import io.tapwire.schemas.registry.RegistryClient;
import org.jboss.logging.Logger;

/**
 * The cumulative counters behind {@code /metrics}: read from the final windows of the metric topics (from the
 * earliest offset at the first start, from where the last write left off after), kept in the state directory so they
 * survive restarts and outlive the topics' retention.
 *
 * <p>One API instance per state directory: a lock file keeps a second one out, which would otherwise overwrite the
 * first one's counters with its own.
 */
public final class CounterReadModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CounterReadModel.class);
    private static final String LOCK = "lock";

    private final FileChannel lockChannel;
    private final FileLock lock;
    private final CounterIngest ingest;
    private final TopicTailer tailer;
    private volatile CounterSnapshot snapshot;

    /**
     * Loads the counters last written to {@code stateDir} (they are served at once) and starts reading.
     *
     * @throws IllegalStateException when the directory is in use by another instance or its counters file is unreadable
     */
    public static CounterReadModel start(Path stateDir, Duration checkpointInterval, Duration dedupHorizon,
                                         String bootstrapServers, Duration requestTimeout, RegistryClient registry) {
        return new CounterReadModel(stateDir, checkpointInterval, dedupHorizon, bootstrapServers, requestTimeout,
                registry);
    }

    private CounterReadModel(Path stateDir, Duration checkpointInterval, Duration dedupHorizon, String bootstrapServers,
                             Duration requestTimeout, RegistryClient registry) {
        try {
            Files.createDirectories(stateDir);
            lockChannel = FileChannel.open(stateDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot use " + stateDir.toAbsolutePath() + " as tapwire.api.state-dir: "
                    + e.getMessage(), e);
        }
        lock = tryLock(stateDir);
        try {
            CounterFile file = new CounterFile(stateDir);
            CounterState state = file.read().map(content -> CounterState.of(content, dedupHorizon))
                    .orElseGet(() -> new CounterState(dedupHorizon));
            snapshot = state.snapshot();
            ingest = new CounterIngest(state, file, checkpointInterval, registry, s -> snapshot = s);
            tailer = new TopicTailer("counters", bootstrapServers, requestTimeout,
                    List.of(CounterIngest.L7_TOPIC, CounterIngest.TCP_TOPIC, CounterIngest.EVENTS_TOPIC,
                            CounterIngest.REQUESTS_TOPIC), ingest).start();
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    private FileLock tryLock(Path stateDir) {
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("Cannot lock " + stateDir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (acquired == null) {
            closeQuietly();
            throw new IllegalStateException(stateDir.toAbsolutePath() + " is in use by another query API instance; "
                    + "give each instance its own tapwire.api.state-dir");
        }
        return acquired;
    }

    /** The counters as last written: what {@code /metrics} shows. */
    public CounterSnapshot snapshot() {
        return snapshot;
    }

    /** Whether the counters have been read up to where the topics ended when reading started. */
    public boolean caughtUp() {
        return tailer.caughtUp();
    }

    /** Why the counters stopped being read before {@link #close()}, or null while they are read. */
    public Throwable failure() {
        return tailer.failure();
    }

    /** Stops reading, writes what was read since the last write, and releases the directory. */
    @Override
    public void close() {
        if (tailer.stop()) {
            ingest.checkpoint();
        } else {
            LOG.warn("The counters reader did not stop; not writing its last changes (they are read again at the next "
                    + "start)");
        }
        release();
    }

    private void release() {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.debugf("Releasing the state directory lock: %s", e.getMessage());
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            lockChannel.close();
        } catch (IOException e) {
            LOG.debugf("Closing the state directory lock: %s", e.getMessage());
        }
    }
}
