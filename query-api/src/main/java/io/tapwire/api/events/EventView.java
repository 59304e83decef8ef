package io.tapwire.api.events;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One event as {@code GET /api/v1/events} shows it. */
@Schema(name = "Event", description = "A notable event of a service")
public record EventView(
        @Schema(description = "What happened: oom_kill (the kernel's OOM killer chose a process of the service), "
                + "crash (a process died of a signal such as SIGSEGV), restart (a new process started where all had "
                + "exited), exit_error (a process exited with a non-zero status)",
                enumeration = {"oom_kill", "crash", "restart", "exit_error", "unknown"}) String type,
        @Schema(description = "Service id") String service,
        @Schema(description = "Node name") String node,
        @Schema(description = "Process the event is about") int pid,
        @Schema(description = "Event time, ISO-8601 UTC with nanoseconds") String time,
        @Schema(description = "The process's name") String comm,
        @Schema(description = "Exit status, when it exited", nullable = true) Integer exitCode,
        @Schema(description = "Signal number, when killed", nullable = true) Integer signal,
        @Schema(description = "Human-readable detail (the victim's memory at an OOM kill, ...)", nullable = true)
        String detail,
        @Schema(description = "Cluster name") String cluster) {

    static EventView of(ServiceEventRecord e) {
        return new EventView(e.type(), e.service(), e.node(), e.pid(), Instant.ofEpochSecond(0, e.timeNs()).toString(),
                e.comm(), e.exitCode(), e.signal(), e.detail(), e.cluster());
    }
}
