package io.tapwire.kafka.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the registry's two topics if they are missing and checks that existing ones fit: the store topic must have
 * exactly one partition (one total order of facts) and be compacted (the latest fact per key is what matters, and
 * nothing may expire by age). The election topic holds no data: its only partition is what the instances' consumer
 * group hands to one member, the leader.
 */
final class RegistryTopics {

    private RegistryTopics() {
    }

    static void ensure(Admin admin, String storeTopic, String electionTopic, short replicationFactor, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        create(admin, new NewTopic(storeTopic, 1, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)), timeout);
        create(admin, new NewTopic(electionTopic, 1, replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()))),
                timeout);
        checkStoreTopic(admin, storeTopic, timeout);
        // A partition just created may refuse writes for a moment (NOT_LEADER_OR_FOLLOWER), and an idempotent
        // producer that hits that can get stuck on OUT_OF_ORDER_SEQUENCE: wait until the partition answers.
        awaitPartitionServing(admin, new TopicPartition(storeTopic, 0), deadline);
        awaitPartitionServing(admin, new TopicPartition(electionTopic, 0), deadline);
    }

    private static void create(Admin admin, NewTopic topic, Duration timeout) {
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new RegistryStartException("Could not create topic '" + topic.name() + "': "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (Exception e) {
            throw failure("create topic '" + topic.name() + "'", e);
        }
    }

    private static void checkStoreTopic(Admin admin, String topic, Duration timeout) {
        try {
            TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            if (description.partitions().size() != 1) {
                throw new RegistryStartException("Schema store topic '" + topic + "' has "
                        + description.partitions().size() + " partitions; it needs exactly 1 so every instance reads"
                        + " registrations in the same order. Use another topic name or recreate it with 1 partition.");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(Set.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)
                    || policy.value().contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                throw new RegistryStartException("Schema store topic '" + topic + "' has cleanup.policy="
                        + (policy == null ? "?" : policy.value()) + "; it must be 'compact' or schemas would expire."
                        + " Set cleanup.policy=compact on it or use another topic name.");
            }
        } catch (RegistryStartException e) {
            throw e;
        } catch (Exception e) {
            throw failure("describe topic '" + topic + "'", e);
        }
    }

    private static void awaitPartitionServing(Admin admin, TopicPartition partition, long deadline) {
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("wait for " + partition, e);
            } catch (Exception e) {
                last = e;
                sleep(100);
            }
        }
        throw new RegistryStartException("Partition " + partition + " did not start serving in time; is the broker"
                + " healthy?", last);
    }

    private static RegistryStartException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new RegistryStartException("Could not " + what + ": " + cause.getMessage()
                + ". Check that the Kafka bootstrap servers are reachable.", cause);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryStartException("interrupted while waiting for the registry topics", e);
        }
    }
}
