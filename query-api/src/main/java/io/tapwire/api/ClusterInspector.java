package io.tapwire.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.quarkus.runtime.Startup;
import io.tapwire.schemas.topics.TapwireTopic;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Looks at the Kafka cluster through one Admin client, created on first use, shared by every caller (it is
 * thread-safe) for as long as the cluster answers, and closed when the application stops. Each look is bounded by
 * {@code tapwire.kafka.request-timeout}.
 *
 * <p>The bootstrap list is checked at start-up ({@link Startup}), so a typo stops the API at once; the cluster
 * itself may come up later, which readiness reports.
 */
@Startup
@ApplicationScoped
public class ClusterInspector {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final String bootstrapServers;
    private final Duration timeout;
    private Admin admin;

    public ClusterInspector(KafkaSettings settings) {
        this.bootstrapServers = String.join(",", BootstrapServers.parse(settings.bootstrapServers()));
        this.timeout = settings.requestTimeout();
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("tapwire.kafka.request-timeout must be positive, was " + timeout);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The cluster's current state; throws {@link KafkaUnavailableException} when it does not answer in time. */
    public ClusterState inspect() {
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin client = admin();
        try {
            DescribeClusterResult cluster = client.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs(deadline)));
            String clusterId = cluster.clusterId().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            int brokers = cluster.nodes().get(remainingMs(deadline), TimeUnit.MILLISECONDS).size();
            Set<String> names = client.listTopics(new ListTopicsOptions().timeoutMs(remainingMs(deadline)))
                    .names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            List<String> present = Arrays.stream(TapwireTopic.values())
                    .map(TapwireTopic::topicName)
                    .filter(names::contains)
                    .toList();
            return new ClusterState(clusterId, brokers, partitionCounts(client, present, deadline));
        } catch (ExecutionException e) {
            discard(client);
            Throwable cause = e.getCause();
            String reason = cause instanceof org.apache.kafka.common.errors.TimeoutException
                    ? noAnswer() + " (" + cause.getMessage() + ")"
                    : cause.getMessage();
            throw new KafkaUnavailableException(bootstrapServers, reason, cause);
        } catch (TimeoutException e) {
            discard(client);
            throw new KafkaUnavailableException(bootstrapServers, noAnswer(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException(bootstrapServers, "interrupted while waiting for an answer", e);
        }
    }

    private String noAnswer() {
        return "no answer within " + timeout.toMillis() + " ms; check that Kafka runs there and is reachable from this host";
    }

    private Map<String, Integer> partitionCounts(Admin client, List<String> topics, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<String, KafkaFuture<TopicDescription>> descriptions = client.describeTopics(topics,
                new DescribeTopicsOptions().timeoutMs(remainingMs(deadline))).topicNameValues();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> entry : descriptions.entrySet()) {
            try {
                partitions.put(entry.getKey(),
                        entry.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS).partitions().size());
            } catch (ExecutionException e) {
                // Deleted between listing and describing: it is missing, not an outage.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return partitions;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            try {
                int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
                admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.CLIENT_ID_CONFIG, "tapwire-query-api",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) timeoutMs,
                        AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) timeoutMs));
            } catch (RuntimeException e) {
                // For example a host name that does not resolve yet: retried on the next look.
                throw new KafkaUnavailableException(bootstrapServers, "could not create a client: " + e.getMessage(), e);
            }
        }
        return admin;
    }

    /**
     * Drops a client that could not reach the cluster; the next look creates a fresh one from the bootstrap list.
     * Kept alive, a Kafka 4.4 Admin client whose brokers are all unreachable keeps rebootstrapping in a tight loop
     * (hundreds of attempts and log lines per second) long after the request that found them gone has returned.
     */
    private synchronized void discard(Admin client) {
        if (admin == client) {
            admin = null;
        }
        client.close(Duration.ZERO);
    }

    private static int remainingMs(long deadline) {
        return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(CLOSE_TIMEOUT);
            admin = null;
        }
    }
}
