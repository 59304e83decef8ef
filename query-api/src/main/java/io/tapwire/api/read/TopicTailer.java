package io.tapwire.api.read;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.registry.RegistryException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every partition of some derived topics, committed records only ({@code isolation.level=read_committed}: the
 * topology writes them in transactions, and an aborted transaction's records must never reach a read model), and
 * hands them to one {@link RecordSink} on its own thread.
 *
 * <p>No consumer group: each API instance materialises every partition itself, and where it resumes is the sink's
 * business (persisted with the state it belongs to, or nowhere). Kafka may be away at start or come and go: the
 * tailer waits for the topics to exist and keeps retrying, so the API starts in any order with its cluster. A record
 * whose writer schema the registry cannot give right now is read again after a pause, never skipped.
 */
public final class TopicTailer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicTailer.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration JOIN = Duration.ofSeconds(10);

    private final String name;
    private final List<String> topics;
    private final RecordSink sink;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration requestTimeout;
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile boolean caughtUp;
    private List<TopicPartition> assigned = List.of();
    /** The end offsets found once the partitions were assigned: reading up to them is catching up. */
    private Map<TopicPartition, Long> catchUpTargets;
    private boolean stopped;

    /**
     * @param name           what the tailer feeds, for its thread, client id and log lines ("spans", "counters")
     * @param requestTimeout how long one metadata look at the cluster may take before it is tried again
     */
    public TopicTailer(String name, String bootstrapServers, Duration requestTimeout, List<String> topics, RecordSink sink) {
        this.name = name;
        this.topics = List.copyOf(topics);
        this.sink = sink;
        this.requestTimeout = requestTimeout;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "tapwire-query-api-" + name,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // Also where a resumed offset lands when retention deleted it meanwhile: the oldest record still there.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // A read model must never create the topics it reads: the topic bootstrapper owns their settings.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "tapwire-api-" + name + "-reader");
        this.thread.setDaemon(true);
    }

    public synchronized TopicTailer start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            if (!assign()) {
                return;
            }
            while (!closing) {
                try {
                    ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                    apply(records);
                    sink.afterPoll();
                    if (!caughtUp) {
                        checkCaughtUp();
                    }
                } catch (WakeupException e) {
                    // closing
                } catch (KafkaException e) {
                    LOG.warnf("Reading %s for the %s read model failed, retrying in %s: %s", topics, name, RETRY,
                            e.getMessage());
                    pause();
                }
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.errorf(e, "The %s read model stopped reading %s", name, topics);
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    /**
     * Whether the tailer has read, at some point since it started, every partition up to the end offset it had when
     * the partitions were assigned (the last stable offset: committed records only). Stays true once reached: a read
     * model that has caught up answers from complete state, even while new records keep coming.
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void checkCaughtUp() {
        if (catchUpTargets == null) {
            catchUpTargets = consumer.endOffsets(assigned, requestTimeout);
        }
        for (TopicPartition partition : assigned) {
            if (consumer.position(partition, requestTimeout) < catchUpTargets.getOrDefault(partition, 0L)) {
                return;
            }
        }
        caughtUp = true;
        LOG.infof("The %s read model has caught up with %s", name, topics);
    }

    /** What the tailer feeds ("spans", "counters", ...). */
    public String name() {
        return name;
    }

    /** Why the tailer stopped reading before it was asked to, or null while it reads (or waits for Kafka). */
    public Throwable failure() {
        return failure;
    }

    /** Waits until every topic exists, then assigns all their partitions at the sink's offsets. False when closing. */
    private boolean assign() {
        boolean reported = false;
        while (!closing) {
            List<TopicPartition> partitions = new ArrayList<>();
            String missing = null;
            try {
                for (String topic : topics) {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, requestTimeout);
                    if (infos == null || infos.isEmpty()) {
                        missing = topic + " does not exist yet";
                        break;
                    }
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            } catch (WakeupException e) {
                return false;
            } catch (KafkaException e) {
                missing = e.getMessage();
            }
            if (missing == null) {
                consumer.assign(partitions);
                assigned = List.copyOf(partitions);
                Map<TopicPartition, Long> resume = sink.startOffsets();
                List<TopicPartition> fromStart = new ArrayList<>();
                for (TopicPartition partition : partitions) {
                    Long offset = resume.get(partition);
                    if (offset == null) {
                        fromStart.add(partition);
                    } else {
                        consumer.seek(partition, offset);
                    }
                }
                if (!fromStart.isEmpty()) {
                    // An empty list would mean every assigned partition to Kafka's consumer.
                    consumer.seekToBeginning(fromStart);
                }
                LOG.infof("The %s read model reads %d partitions of %s (%d resumed, %d from the earliest offset)",
                        name, partitions.size(), topics, partitions.size() - fromStart.size(), fromStart.size());
                return true;
            }
            if (!reported) {
                LOG.infof("The %s read model waits for %s: %s", name, topics, missing);
                reported = true;
            }
            pause();
        }
        return false;
    }

    /**
     * Applies a batch partition by partition. When the registry cannot answer, every partition is put back to its
     * first record not yet applied, so nothing is skipped and nothing applied twice.
     */
    private void apply(ConsumerRecords<String, byte[]> records) {
        List<TopicPartition> partitions = new ArrayList<>(records.partitions());
        for (int i = 0; i < partitions.size(); i++) {
            for (ConsumerRecord<String, byte[]> record : records.records(partitions.get(i))) {
                try {
                    sink.accept(record);
                } catch (RegistryException e) {
                    LOG.warnf("The %s read model cannot decode %s partition %d offset %d yet, the schema registry "
                            + "failed (tapwire.registry.url); retrying in %s: %s", name, record.topic(),
                            record.partition(), record.offset(), RETRY, e.getMessage());
                    consumer.seek(partitions.get(i), record.offset());
                    for (int j = i + 1; j < partitions.size(); j++) {
                        consumer.seek(partitions.get(j), records.records(partitions.get(j)).get(0).offset());
                    }
                    pause();
                    return;
                }
            }
        }
    }

    /** Waits {@link #RETRY}, or less when the tailer is closed meanwhile. */
    private void pause() {
        long deadline = System.nanoTime() + RETRY.toNanos();
        try {
            while (!closing && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /**
     * Stops reading and waits for the thread; true once it has ended, so that the sink's state is no longer touched
     * by it.
     */
    public synchronized boolean stop() {
        if (stopped) {
            return true;
        }
        closing = true;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
            stopped = true;
            return true;
        }
        consumer.wakeup();
        try {
            thread.join(JOIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warnf("The %s read model's reader did not stop within %s", name, JOIN);
            return false;
        }
        stopped = true;
        return true;
    }

    @Override
    public void close() {
        stop();
    }
}
