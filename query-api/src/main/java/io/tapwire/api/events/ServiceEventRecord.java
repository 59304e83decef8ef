package io.tapwire.api.events;

import java.util.Locale;

import io.tapwire.schemas.derived.ServiceEvent;

/**
 * A notable event of a service as {@code tapwire.events.v1} states it.
 *
 * @param type    {@code oom_kill}, {@code crash}, {@code restart}, {@code exit_error} (or {@code unknown} from a newer
 *                topology)
 * @param timeNs  event time, nanoseconds since the epoch
 */
public record ServiceEventRecord(String type, String service, String cluster, String node, int pid, long timeNs,
                                 String comm, Integer exitCode, Integer signal, String detail) {

    public static ServiceEventRecord of(ServiceEvent event) {
        return new ServiceEventRecord(event.getType().name().toLowerCase(Locale.ROOT), event.getService(),
                event.getCluster(), event.getNode(), event.getPid(), event.getEpochNs(), event.getComm(),
                event.getExitCode(), event.getSignal(), event.getDetail());
    }
}
