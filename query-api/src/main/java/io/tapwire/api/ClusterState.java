package io.tapwire.api;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tapwire.schemas.topics.TapwireTopic;

/**
 * What the cluster looked like at one moment, as far as Tapwire cares: its id, how many brokers answered, and the
 * partition count of each Tapwire topic that exists on it.
 */
public record ClusterState(String clusterId, int brokers, Map<String, Integer> partitionsByTopic) {

    public ClusterState {
        partitionsByTopic = Map.copyOf(partitionsByTopic);
    }

    /** Partition count of the topic, or empty when it does not exist on the cluster. */
    public Optional<Integer> partitions(TapwireTopic topic) {
        return Optional.ofNullable(partitionsByTopic.get(topic.topicName()));
    }

    /** Names of the catalog topics absent from the cluster, in catalog order. */
    public List<String> missingTopics() {
        return Arrays.stream(TapwireTopic.values())
                .map(TapwireTopic::topicName)
                .filter(name -> !partitionsByTopic.containsKey(name))
                .toList();
    }
}
