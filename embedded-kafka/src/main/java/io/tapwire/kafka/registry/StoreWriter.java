package io.tapwire.kafka.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the store topic, active only on the elected leader.
 *
 * <p>Every instance sharing a store topic uses the same {@code transactional.id}. Taking over calls
 * {@code initTransactions()}, which fences the previous writer: its open transaction is aborted and any later
 * commit of it fails. So even a leader that has not yet noticed it was replaced (a long pause, a network split)
 * cannot add a record after its successor started. The successor then writes its {@link StoreRecord.Leader}
 * announcement and waits to read it back: everything committed before, by anyone, has then been applied, and ids
 * it assigns from there never repeat one already given out.
 *
 * <p>Writes are serialised by one lock and each waits until the reader has applied it, so each write plans against
 * a store that includes every earlier write.
 */
final class StoreWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /** What a write does: the records to append and the answer to give once they are applied. */
    record Plan<T>(List<StoreRecord> records, T result) {
    }

    /** The answer of a write and the offset of its last record (-1 when nothing had to be written). */
    record Written<T>(T result, long offset) {
    }

    private final String topic;
    private final StoreLog log;
    private final Map<String, Object> producerProps;
    private final StoreRecord.Leader announcement;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean elected;
    private KafkaProducer<byte[], byte[]> producer;

    StoreWriter(String bootstrapServers, String topic, String transactionalId, StoreLog log,
                StoreRecord.Leader announcement, Duration timeout) {
        this.topic = topic;
        this.log = log;
        this.announcement = announcement;
        this.timeout = timeout;
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tapwire-registry-writer-" + announcement.instanceId());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 1_000));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(timeout.toMillis() * 2, 10_000));
        this.producerProps = props;
    }

    /** True once this instance holds the election and has taken over the topic. */
    boolean isLeader() {
        lock.lock();
        try {
            return elected && producer != null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the election currently chooses this instance (its takeover may still be running). */
    boolean isElected() {
        return elected;
    }

    /** The election chose this instance; {@link #takeOver()} should follow, off the election thread. */
    void elected() {
        elected = true;
    }

    /** Fences the previous writer, announces this instance and catches up; a no-op when no longer elected. */
    void takeOver() {
        lock.lock();
        try {
            if (elected && producer == null) {
                takeOverLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    private void takeOverLocked() {
        KafkaProducer<byte[], byte[]> candidate =
                new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            candidate.initTransactions();
            long offset = append(candidate, List.of(announcement));
            log.awaitApplied(offset, timeout);
            producer = candidate;
            LOG.info("Schema registry {} is now the leader of store topic '{}'", announcement.url(), topic);
        } catch (RuntimeException e) {
            candidate.close(Duration.ZERO);
            throw e;
        }
    }

    /** The election moved away: stop writing. Waits for a write in progress, so two leaders never overlap here. */
    void stepDown() {
        lock.lock();
        try {
            boolean wasLeader = producer != null;
            elected = false;
            closeProducerLocked();
            if (wasLeader) {
                LOG.info("Schema registry {} stepped down as leader of store topic '{}'", announcement.url(), topic);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Plans and appends one write as the leader.
     *
     * @throws NotLeaderException when this instance may not write; nothing was written
     * @throws RegistryException the planner's refusal (4xx), or 50001/50002 when the store failed
     */
    <T> Written<T> write(Supplier<Plan<T>> planner) {
        lock.lock();
        try {
            if (!elected) {
                throw new NotLeaderException("not the leader");
            }
            if (producer == null) {
                // An earlier write failed and dropped the producer: take over again, which also aborts its leftovers.
                try {
                    takeOverLocked();
                } catch (KafkaException e) {
                    throw RegistryErrors.storeError("could not take over topic '" + topic + "': " + e.getMessage(), e);
                }
            }
            Plan<T> plan = planner.get();
            if (plan.records().isEmpty()) {
                return new Written<>(plan.result(), -1);
            }
            long offset;
            try {
                offset = append(producer, plan.records());
            } catch (KafkaException e) {
                closeProducerLocked();
                if (isFenced(e)) {
                    // A successor took over: our transaction was aborted, nothing was written. Stop writing until
                    // the election says otherwise (it will revoke the partition from us shortly).
                    LOG.warn("Schema registry {} was fenced by a newer leader; stepping down", announcement.url());
                    elected = false;
                    throw new NotLeaderException("fenced by a newer leader");
                }
                throw RegistryErrors.storeError("could not write to topic '" + topic + "': " + e.getMessage(), e);
            }
            log.awaitApplied(offset, timeout);
            return new Written<>(plan.result(), offset);
        } finally {
            lock.unlock();
        }
    }

    private long append(KafkaProducer<byte[], byte[]> target, List<StoreRecord> records) {
        target.beginTransaction();
        Future<RecordMetadata> last = null;
        for (StoreRecord record : records) {
            last = target.send(new ProducerRecord<>(topic, 0, StoreRecordCodec.key(record),
                    StoreRecordCodec.value(record)));
        }
        target.commitTransaction();
        try {
            return last.get().offset();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while writing to " + topic, e);
        }
    }

    /** The producer reports fencing directly or as the cause of a failed transactional call. */
    private static boolean isFenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private void closeProducerLocked() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("Closing the store producer failed", e);
            }
            producer = null;
        }
    }

    @Override
    public void close() {
        stepDown();
    }
}
