package io.tapwire.api;

import java.util.Arrays;
import java.util.List;

import io.tapwire.schemas.topics.TapwireTopic;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The topic catalog next to the cluster's state: which contracts exist, and which topics are really there. */
@Path("/api/v1/topics")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "topics", description = "The Tapwire topic contracts and their state on the Kafka cluster")
public class TopicsResource {

    /** The response body: {@code {"items": [...]}}, so fields can be added beside the list later. */
    @Schema(name = "TopicList")
    public record TopicList(@Schema(description = "The topics") List<TopicView> items) {
    }

    private final ClusterInspector inspector;

    public TopicsResource(ClusterInspector inspector) {
        this.inspector = inspector;
    }

    @GET
    @Operation(summary = "List the Tapwire topics",
            description = "Every topic of the catalog (DESIGN.md, Topics v1) with its key format and value subject, "
                    + "and whether it exists on the Kafka cluster with how many partitions.")
    @APIResponse(responseCode = "200", description = "The catalog with the cluster's state",
            content = @Content(schema = @Schema(implementation = TopicList.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "Kafka does not answer",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public TopicList list(
            @Parameter(description = "Only topics of this kind", schema = @Schema(enumeration = {"raw", "derived"}))
            @QueryParam("kind") String kind) {
        TapwireTopic.Kind wanted = parseKind(kind);
        ClusterState state = inspector.inspect();
        return new TopicList(Arrays.stream(TapwireTopic.values())
                .filter(topic -> wanted == null || topic.kind() == wanted)
                .map(topic -> TopicView.of(topic, state))
                .toList());
    }

    private static TapwireTopic.Kind parseKind(String kind) {
        if (kind == null) {
            return null;
        }
        return Arrays.stream(TapwireTopic.Kind.values())
                .filter(k -> TopicView.kindName(k).equals(kind))
                .findFirst()
                .orElseThrow(() -> new BadParameterException("kind", "kind must be 'raw' or 'derived', was '" + kind + "'"));
    }
}
