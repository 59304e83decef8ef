package io.tapwire.api.services;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A service with what it served and what it asked for over a range. */
@Schema(name = "Service", description = "A service with what it served and asked for over the range")
public record ServiceView(
        @Schema(description = "Service id", examples = "/system.slice/nginx.service") String service,
        @Schema(description = "Which identity rule named it (tapwire.processes.v1's serviceKind in lower case), or "
                + "external when no process has it",
                enumeration = {"kubernetes", "container", "systemd", "host", "unknown", "external"}) String kind,
        @Schema(description = "Nodes it had processes on in the range, sorted") List<String> nodes,
        @Schema(description = "Whether no process of it is known (a server named ip:port or dnsname:port, or a "
                + "client known by its address only)") boolean external,
        @Schema(description = "Requests it served: counting-side records whose server it is") TrafficView inbound,
        @Schema(description = "Requests it made: counting-side records whose client it is") TrafficView outbound,
        @Schema(description = "L7 protocol tokens of its requests in the range, as client or server, sorted")
        List<String> protocols) {
}
