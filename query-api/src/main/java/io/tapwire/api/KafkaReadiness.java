package io.tapwire.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the Kafka cluster answers and every Tapwire topic exists on it: the API serves views of those
 * topics, and a missing one means the stack was not bootstrapped (or points at the wrong cluster).
 *
 * <p>SmallRye Health serializes only strings, numbers and booleans as check data, so the missing topics are one
 * comma-separated string.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    static final String NAME = "kafka";

    private final ClusterInspector inspector;

    public KafkaReadiness(ClusterInspector inspector) {
        this.inspector = inspector;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .withData("bootstrapServers", inspector.bootstrapServers());
        ClusterState state;
        try {
            state = inspector.inspect();
        } catch (KafkaUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
        response.withData("clusterId", state.clusterId())
                .withData("brokers", state.brokers())
                .withData("topicsPresent", state.partitionsByTopic().size());
        List<String> missing = state.missingTopics();
        if (!missing.isEmpty()) {
            return response.down()
                    .withData("missingTopics", String.join(",", missing))
                    .withData("error", missing.size() + " Tapwire topic(s) do not exist on the cluster; the topic "
                            + "bootstrapper creates them")
                    .build();
        }
        return response.up().build();
    }
}
