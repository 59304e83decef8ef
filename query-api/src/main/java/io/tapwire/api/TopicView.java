package io.tapwire.api;

import java.util.Locale;

import io.tapwire.schemas.topics.TapwireTopic;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One catalog topic as {@code GET /api/v1/topics} shows it: its contract, and whether the cluster has it. */
@Schema(name = "Topic")
public record TopicView(
        @Schema(description = "Topic name", examples = "tapwire.raw.tcp.v1") String name,
        @Schema(description = "raw (kernel facts from the collectors) or derived (computed by the topology)",
                enumeration = {"raw", "derived"}) String kind,
        @Schema(description = "Format of the record keys", examples = "cluster/node/bootId/socketInode") String keyFormat,
        @Schema(description = "Schema registry subject of the values (TopicNameStrategy)") String valueSubject,
        @Schema(description = "Whether the topic exists on the cluster") boolean present,
        @Schema(description = "Partition count on the cluster; null when the topic does not exist",
                nullable = true) Integer partitions) {

    static TopicView of(TapwireTopic topic, ClusterState state) {
        Integer partitions = state.partitions(topic).orElse(null);
        return new TopicView(topic.topicName(), kindName(topic.kind()), topic.keyFormat().pattern(),
                topic.valueSubject(), partitions != null, partitions);
    }

    static String kindName(TapwireTopic.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
