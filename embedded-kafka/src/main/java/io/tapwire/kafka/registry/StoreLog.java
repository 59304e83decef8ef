package io.tapwire.kafka.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the store topic from its beginning into the {@link SchemaStore} and keeps tailing it, on one thread.
 *
 * <p>It reads with {@code isolation.level=read_committed}: the leader writes in transactions, so a write that a
 * fenced ex-leader could not commit is never applied by anyone. Writers wait on {@link #awaitApplied} until the
 * reader has applied their own record, which makes every answer of this instance reflect its own writes.
 */
final class StoreLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreLog.class);

    private final TopicPartition partition;
    private final SchemaStore store;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final Object progress = new Object();
    private long position;
    private volatile boolean running = true;

    StoreLog(String bootstrapServers, String topic, String clientId, SchemaStore store) {
        this.partition = new TopicPartition(topic, 0);
        this.store = store;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A writer waits for its record to come back; a short fetch wait bounds that even if the commit marker
        // does not wake the broker's pending fetch. Idle cost: a few empty fetches a second.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::readLoop, "tapwire-registry-store-reader-" + topic);
        this.reader.setDaemon(true);
    }

    /** Starts reading and returns once every record committed before the call has been applied. */
    void start(Duration timeout) {
        long endAtStart;
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // Under read_committed this is the last stable offset: what a reader can see now.
            endAtStart = consumer.endOffsets(List.of(partition), timeout).get(partition);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw new RegistryStartException("Could not read the end offset of schema store " + partition + ": "
                    + e.getMessage(), e);
        }
        reader.start();
        if (!awaitPosition(endAtStart, timeout)) {
            throw new RegistryStartException("Could not read schema store " + partition + " up to offset "
                    + endAtStart + " within " + timeout.toSeconds() + " s (read up to " + position() + ")");
        }
        LOG.info("Read schema store {} up to offset {}", partition, endAtStart);
    }

    /**
     * Waits until the record at {@code offset} has been applied.
     *
     * @throws RegistryException 50002 when that takes longer than {@code timeout}
     */
    void awaitApplied(long offset, Duration timeout) {
        if (!awaitPosition(offset + 1, timeout)) {
            throw RegistryErrors.timeout("the write at offset " + offset + " of " + partition
                    + " was not read back within " + timeout.toMillis() + " ms");
        }
    }

    /** The next offset to read: everything before it has been applied. */
    long position() {
        synchronized (progress) {
            return position;
        }
    }

    private boolean awaitPosition(long target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (position < target) {
                long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMillis <= 0 || !running) {
                    return false;
                }
                try {
                    progress.wait(leftMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    private void readLoop() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        apply(record);
                    }
                    long next = consumer.position(partition);
                    synchronized (progress) {
                        position = next;
                        progress.notifyAll();
                    }
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    // A broker outage surfaces here; keep the last state and try again rather than die silently.
                    LOG.warn("Reading schema store {} failed; retrying: {}", partition, e.toString());
                    pause();
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            LOG.warn("Skipping record without key at {} offset {}", partition, record.offset());
            return;
        }
        try {
            StoreRecordCodec.decode(record.key(), record.value()).ifPresent(store::apply);
        } catch (IllegalArgumentException e) {
            LOG.warn("Skipping undecodable record at {} offset {}: {}", partition, record.offset(), e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        if (!reader.isAlive()) {
            return;
        }
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
