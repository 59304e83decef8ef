package io.tapwire.schemas.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the broker's topics match a plan, idempotently: missing topics are created, topic configs that differ
 * are altered, and topics already right are left alone. A partition count that differs is an error, never
 * changed: adding partitions would move keys and break co-partitioning of history.
 */
public final class TopicBootstrapper {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrapper.class);

    private static final long LEADER_TIMEOUT_NANOS = 30_000_000_000L;

    private final Admin admin;
    private final short replicationFactor;

    public TopicBootstrapper(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** What a run did, topic by topic. */
    public record Report(List<String> created, List<String> reconfigured, List<String> unchanged) {
        public int total() {
            return created.size() + reconfigured.size() + unchanged.size();
        }
    }

    public Report ensure(Collection<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
            List<TopicSpec> present = specs.stream().filter(s -> existing.contains(s.name())).toList();

            List<String> created = create(missing);
            checkPartitions(present);
            List<String> reconfigured = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            for (TopicSpec spec : present) {
                (reconfigure(spec) ? reconfigured : unchanged).add(spec.name());
            }
            Report report = new Report(created, reconfigured, unchanged);
            LOG.info("Topics: {} created, {} reconfigured, {} unchanged", created.size(), reconfigured.size(), unchanged.size());
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicBootstrapException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new TopicBootstrapException("could not create or check topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private List<String> create(List<TopicSpec> missing) throws InterruptedException, ExecutionException {
        List<String> created = new ArrayList<>();
        if (missing.isEmpty()) {
            return created;
        }
        List<NewTopic> newTopics = missing.stream()
                .map(s -> new NewTopic(s.name(), s.partitions(), replicationFactor).configs(s.configs()))
                .toList();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result : admin.createTopics(newTopics).values().entrySet()) {
            try {
                result.getValue().get();
                created.add(result.getKey());
                LOG.info("Created topic {}", result.getKey());
            } catch (ExecutionException e) {
                // Another bootstrapper (a second instance) created it in the meantime: checked below like any other.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        List<TopicSpec> raced = missing.stream().filter(s -> !created.contains(s.name())).toList();
        checkPartitions(raced);
        awaitWritable(created);
        return created;
    }

    /**
     * A topic is created before its partitions can take writes: the broker applies leadership a moment after
     * the controller records it. Producing in that moment fails with NOT_LEADER_OR_FOLLOWER, and an idempotent
     * producer can then get stuck retrying OUT_OF_ORDER_SEQUENCE (seen with Kafka 4.4), so the bootstrapper
     * returns only once every new partition answers a ListOffsets request, which only its leader serves.
     */
    private void awaitWritable(List<String> topics) throws InterruptedException, ExecutionException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + LEADER_TIMEOUT_NANOS;
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
                    d.partitions().forEach(p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(partitions).all().get();
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new TopicBootstrapException("topics " + topics + " do not take writes "
                            + LEADER_TIMEOUT_NANOS / 1_000_000_000 + " s after creation: " + e.getCause().getMessage(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    private void checkPartitions(List<TopicSpec> specs) throws InterruptedException, ExecutionException {
        if (specs.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(
                specs.stream().map(TopicSpec::name).toList()).allTopicNames().get();
        for (TopicSpec spec : specs) {
            int actual = descriptions.get(spec.name()).partitions().size();
            if (actual != spec.partitions()) {
                throw new TopicBootstrapException("topic " + spec.name() + " has " + actual + " partitions but "
                        + spec.partitions() + " are configured. Partition counts are fixed once created (changing them "
                        + "re-keys history): set " + TopicSettings.PREFIX + spec.name() + ".partitions=" + actual
                        + " (and the same for the topics sharing its key format), or recreate the topic.", null);
            }
        }
    }

    private boolean reconfigure(TopicSpec spec) throws InterruptedException, ExecutionException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        Config actual = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        List<AlterConfigOp> ops = spec.configs().entrySet().stream()
                .filter(e -> !e.getValue().equals(valueOf(actual, e.getKey())))
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .collect(Collectors.toList());
        if (ops.isEmpty()) {
            return false;
        }
        admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
        LOG.info("Reconfigured topic {}: {}", spec.name(),
                ops.stream().map(op -> op.configEntry().name() + "=" + op.configEntry().value()).toList());
        return true;
    }

    private static String valueOf(Config config, String name) {
        ConfigEntry entry = config.get(name);
        return entry == null ? null : entry.value();
    }
}
