package io.tapwire.api.graph;

import java.util.List;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceKind;
import io.tapwire.schemas.keys.ProcessKey;

/** Hand-made records of {@code tapwire.processes.v1}, as the topology writes them, and their keys. */
public final class Processes {

    private Processes() {
    }

    /**
     * @param exitedAtMs null while it runs
     */
    public static ProcessInfo process(String node, int pid, String service, ServiceKind kind, long startedAtMs,
                                      Long exitedAtMs) {
        long updatedNs = (exitedAtMs != null ? exitedAtMs : startedAtMs) * 1_000_000L;
        return ProcessInfo.newBuilder().setCluster("prod").setNode(node).setBootId("boot-" + node).setPid(pid)
                .setStartTimeTicks(pid * 100L).setPpid(1).setComm("p" + pid).setCmdline(List.of())
                .setCgroupId(1).setNetnsInode(4026531840L).setService(service).setServiceKind(kind)
                .setStartedAtEpochNs(startedAtMs * 1_000_000L)
                .setExitedAtEpochNs(exitedAtMs == null ? null : exitedAtMs * 1_000_000L)
                .setUpdatedAtEpochNs(updatedNs).build();
    }

    public static String key(ProcessInfo p) {
        return new ProcessKey(p.getCluster(), p.getNode(), p.getBootId(), p.getPid(), p.getStartTimeTicks()).format();
    }
}
