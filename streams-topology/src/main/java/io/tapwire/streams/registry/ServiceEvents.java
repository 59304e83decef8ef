package io.tapwire.streams.registry;

import java.util.Optional;
import java.util.Set;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.raw.ProcessEvent;

/**
 * Which process lifecycle events are notable for their service: an OOM kill; a death by a signal that means a
 * crash (SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS); any other exit by a signal or with a non-zero
 * status. A clean exit (status 0) is not an event.
 */
final class ServiceEvents {

    private static final Set<Integer> CRASH_SIGNALS = Set.of(4, 5, 6, 7, 8, 11, 31);

    private ServiceEvents() {
    }

    /** The event for {@code event}, named with the service of {@code process} (its state after the event). */
    static Optional<ServiceEvent> of(ProcessEvent event, ProcessInfo process) {
        ServiceEventType type;
        String detail = null;
        switch (event.getType()) {
            case OOM_KILL -> {
                type = ServiceEventType.OOM_KILL;
                if (event.getOomRssBytes() != null) {
                    detail = "killed by the OOM killer with " + event.getOomRssBytes() / (1024 * 1024) + " MiB resident";
                }
            }
            case EXIT -> {
                Integer signal = event.getExitSignal();
                Integer code = event.getExitCode();
                if (signal != null && signal != 0) {
                    type = CRASH_SIGNALS.contains(signal) ? ServiceEventType.CRASH : ServiceEventType.EXIT_ERROR;
                    detail = "killed by signal " + signal + (Boolean.TRUE.equals(event.getCoreDumped()) ? " (core dumped)" : "");
                } else if (code != null && code != 0) {
                    type = ServiceEventType.EXIT_ERROR;
                    detail = "exited with status " + code;
                } else {
                    return Optional.empty();
                }
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(ServiceEvent.newBuilder()
                .setService(process.getService())
                .setType(type)
                .setEpochNs(event.getHeader().getEpochTimeNs())
                .setCluster(event.getHeader().getCluster())
                .setNode(event.getHeader().getNode())
                .setPid(event.getTask().getPid())
                .setComm(process.getComm())
                .setExitCode(event.getExitCode())
                .setSignal(event.getExitSignal())
                .setDetail(detail)
                .build());
    }
}
