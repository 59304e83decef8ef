package io.tapwire.kafka.registry;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one leader among the instances that share a store topic, through Kafka's group membership.
 *
 * <p>Every instance joins one consumer group subscribed to a one-partition election topic; the group coordinator
 * gives that partition to exactly one member, and that member is the leader. Kafka thereby does what a registry
 * would otherwise need ZooKeeper for: a member that leaves or stops heartbeating loses the partition and another
 * member gets it. The cooperative sticky assignor keeps the partition where it is when members join, so a new
 * follower does not interrupt the leader, and a partition is always revoked from its old owner before it is
 * assigned to a new one. A leader that misses the revocation (paused past its session timeout) is stopped by the
 * transactional fencing in {@link StoreWriter}, not by this class.
 */
final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** Called on the election thread. */
    interface Listener {
        void elected();

        void deposed();
    }

    private final TopicPartition partition;
    private final Listener listener;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean started;

    LeaderElection(String bootstrapServers, String electionTopic, String groupId, String clientId,
                   Duration sessionTimeout, Listener listener) {
        this.partition = new TopicPartition(electionTopic, 0);
        this.listener = listener;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class));
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        // Frequent heartbeats: a follower learns quickly that the leader left and the partition is free.
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(100, sessionTimeout.toMillis() / 10));
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 120_000);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "tapwire-registry-election-" + electionTopic);
        this.thread.setDaemon(true);
    }

    void start() {
        started = true;
        thread.start();
    }

    /** Waits until the group has given this member its first assignment, so it knows whether it leads. */
    boolean awaitFirstAssignment(Duration timeout) throws InterruptedException {
        return firstAssignment.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(partition.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        listener.elected();
                    }
                    firstAssignment.countDown();
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        listener.deposed();
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) {
                        LOG.warn("Lost the election partition {} (session timed out?)", partition);
                        listener.deposed();
                    }
                }
            });
            while (running) {
                try {
                    // Nothing is ever written to the election topic; polling keeps the membership alive.
                    consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    LOG.warn("Leader election on {} failed; retrying: {}", partition, e.toString());
                    pause();
                }
            }
        } finally {
            try {
                // Leaving the group revokes the partition now instead of after the session timeout.
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("Closing the election consumer failed", e);
            }
            listener.deposed();
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
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
