package io.tapwire.streams.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.streams.identity.IdentityRules;
import io.tapwire.streams.identity.ProcessFacts;
import io.tapwire.streams.identity.ServiceIdentity;
import io.tapwire.streams.lifecycle.ProcessChange;
import io.tapwire.streams.sync.Deadlines;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The processes of the nodes whose pids this task owns, in two stores: processes by {@link ProcessKey}, and
 * the current process of each (node, boot, pid), which tells pid reuse apart. Every change returns the changes
 * to emit, each with the process before it: a process with its service, or a tombstone (null) once an exited
 * process's grace period has passed in event time, or when its pid was reused before its exit was seen.
 */
final class ProcessTable {

    private final KeyValueStore<String, ProcessInfo> processes;
    private final KeyValueStore<String, String> currentByPid;
    /** When each exited process is due for its tombstone: expiry reads the due ones, not every process. */
    private final Deadlines exits;
    private final long graceNs;

    ProcessTable(KeyValueStore<String, ProcessInfo> processes, KeyValueStore<String, String> currentByPid,
                 KeyValueStore<String, String> exits, Duration exitGrace) {
        this.processes = processes;
        this.currentByPid = currentByPid;
        this.exits = new Deadlines(exits);
        this.graceNs = exitGrace.toNanos();
    }

    /**
     * Indexes the stored processes: the current process of each pid (a pid has at most one stored process; were there
     * two, the later started would be current) and the exited ones by the time their tombstone is due. Both indexes
     * are in memory ({@link io.tapwire.streams.store.RebuiltIndex}), so they start empty with every task. Once per
     * task start; {@code each} sees every stored process.
     */
    void index(BiConsumer<String, ProcessInfo> each) {
        Map<String, ProcessInfo> current = new HashMap<>();
        try (KeyValueIterator<String, ProcessInfo> all = processes.all()) {
            all.forEachRemaining(entry -> {
                ProcessInfo process = entry.value;
                each.accept(entry.key, process);
                if (process.getExitedAtEpochNs() != null) {
                    exits.add(dueMs(process.getExitedAtEpochNs()), entry.key);
                }
                String pidKey = pidKey(process.getCluster(), process.getNode(), process.getBootId(), process.getPid());
                ProcessInfo other = current.get(pidKey);
                if (other == null || process.getStartTimeTicks() > other.getStartTimeTicks()) {
                    current.put(pidKey, process);
                    currentByPid.put(pidKey, entry.key);
                }
            });
        }
    }

    /** A raw lifecycle event. */
    List<ProcessChange> apply(ProcessEvent event) {
        RawHeader h = event.getHeader();
        int pid = event.getTask().getPid();
        String key = new ProcessKey(h.getCluster(), h.getNode(), h.getBootId(), pid, event.getStartTimeTicks()).format();
        List<ProcessChange> out = new ArrayList<>();
        ProcessInfo known = replaceCurrent(h.getCluster(), h.getNode(), h.getBootId(), pid, key, out);
        Long exitBefore = known == null ? null : known.getExitedAtEpochNs();
        ProcessInfo.Builder info = known == null ? newProcess(event) : ProcessInfo.newBuilder(known);
        mergeFacts(info, event);
        switch (event.getType()) {
            case START -> info.setStartedAtEpochNs(h.getEpochTimeNs());
            case EXIT -> info.setExitedAtEpochNs(h.getEpochTimeNs())
                    .setExitCode(event.getExitCode()).setExitSignal(event.getExitSignal());
            default -> { }
        }
        info.setUpdatedAtEpochNs(Math.max(info.getUpdatedAtEpochNs(), h.getEpochTimeNs()));
        ProcessInfo stored = store(key, info);
        Long exitAfter = stored.getExitedAtEpochNs();
        if (!Objects.equals(exitBefore, exitAfter)) {
            if (exitBefore != null) {
                exits.remove(dueMs(exitBefore), key);
            }
            if (exitAfter != null) {
                exits.add(dueMs(exitAfter), key);
            }
        }
        out.add(new ProcessChange(key, known, stored));
        return out;
    }

    /** A process seen in an inventory snapshot: an idempotent upsert of facts, never an event. */
    List<ProcessChange> observe(ProcessInfo seen) {
        String key = new ProcessKey(seen.getCluster(), seen.getNode(), seen.getBootId(), seen.getPid(),
                seen.getStartTimeTicks()).format();
        ProcessInfo known = processes.get(key);
        List<ProcessChange> out = new ArrayList<>();
        if (known != null && known.getExitedAtEpochNs() != null) {
            return out;
        }
        if (known == null) {
            replaceCurrent(seen.getCluster(), seen.getNode(), seen.getBootId(), seen.getPid(), key, out);
        }
        ProcessInfo.Builder info = known == null ? ProcessInfo.newBuilder(seen) : ProcessInfo.newBuilder(known);
        if (known != null) {
            fillMissing(info, seen);
        }
        ProcessInfo updated = identify(info).build();
        if (!updated.equals(known)) {
            processes.put(key, updated);
            out.add(new ProcessChange(key, known, updated));
        }
        return out;
    }

    /** Tombstones for processes whose exit is older than the grace period at this stream time. */
    List<ProcessChange> expire(long streamTimeMs) {
        List<String> expired = new ArrayList<>();
        for (Deadlines.Due due : exits.dueAt(streamTimeMs)) {
            ProcessInfo process = processes.get(due.key());
            if (process == null || process.getExitedAtEpochNs() == null
                    || dueMs(process.getExitedAtEpochNs()) != due.atMs()) {
                exits.remove(due.atMs(), due.key());   // gone, or no longer due then: the index lags the state
            } else {
                expired.add(due.key());
            }
        }
        // In key order, as a scan of the processes gave them before the index.
        Collections.sort(expired);
        List<ProcessChange> out = new ArrayList<>();
        for (String key : expired) {
            remove(key, out);
        }
        return out;
    }

    /** The process of {@code key} as the table has it now; null if it never had it or has tombstoned it. */
    ProcessInfo get(String key) {
        return processes.get(key);
    }

    /** Makes {@code key} the current process of its pid; a different current one was a reused pid: removed. */
    private ProcessInfo replaceCurrent(String cluster, String node, String boot, int pid, String key,
                                       List<ProcessChange> out) {
        String pidKey = pidKey(cluster, node, boot, pid);
        String current = currentByPid.get(pidKey);
        if (current != null && !current.equals(key)) {
            remove(current, out);
        }
        currentByPid.put(pidKey, key);
        return processes.get(key);
    }

    private void remove(String key, List<ProcessChange> out) {
        ProcessInfo gone = processes.get(key);
        processes.delete(key);
        out.add(new ProcessChange(key, gone, null));
        if (gone != null && gone.getExitedAtEpochNs() != null) {
            exits.remove(dueMs(gone.getExitedAtEpochNs()), key);
        }
        if (gone != null) {
            String pidKey = pidKey(gone.getCluster(), gone.getNode(), gone.getBootId(), gone.getPid());
            if (key.equals(currentByPid.get(pidKey))) {
                currentByPid.delete(pidKey);
            }
        }
    }

    private static String pidKey(String cluster, String node, String boot, int pid) {
        return cluster + '/' + node + '/' + boot + '/' + pid;
    }

    private ProcessInfo store(String key, ProcessInfo.Builder info) {
        ProcessInfo value = identify(info).build();
        processes.put(key, value);
        return value;
    }

    /**
     * The first stream time, in milliseconds, at which a process that exited at {@code exitedNs} is past its grace
     * period: its exit at or before the stream time minus the grace.
     */
    private long dueMs(long exitedNs) {
        return -Math.floorDiv(-(exitedNs + graceNs), 1_000_000L);
    }

    private static ProcessInfo.Builder newProcess(ProcessEvent event) {
        RawHeader h = event.getHeader();
        return ProcessInfo.newBuilder()
                .setCluster(h.getCluster()).setNode(h.getNode()).setBootId(h.getBootId())
                .setPid(event.getTask().getPid()).setStartTimeTicks(event.getStartTimeTicks())
                .setCgroupId(event.getTask().getCgroupId()).setNetnsInode(event.getTask().getNetnsInode());
    }

    /**
     * Newer facts win; a fact the event lacks (a short-lived process gone from /proc) keeps the known one — except
     * at an exec, which replaces the program: the previous program's exe and command line are no longer this
     * process's (Java's jspawnhelper execs the real child; a curl gone before /proc was read must not stay
     * jspawnhelper), so the exec's own facts, or none, stand.
     */
    private static void mergeFacts(ProcessInfo.Builder info, ProcessEvent event) {
        info.setPpid(event.getPpid());
        info.setComm(event.getTask().getComm());
        info.setCgroupId(event.getTask().getCgroupId());
        info.setNetnsInode(event.getTask().getNetnsInode());
        if (event.getType() == ProcessEventType.EXEC) {
            info.setExecFilename(event.getExecFilename());
            info.setExe(event.getExe());
            info.setCmdline(event.getCmdline() == null ? List.of() : event.getCmdline());
        } else {
            if (event.getExecFilename() != null) {
                info.setExecFilename(event.getExecFilename());
            }
            if (event.getExe() != null) {
                info.setExe(event.getExe());
            }
            if (event.getCmdline() != null) {
                info.setCmdline(event.getCmdline());
            }
        }
        if (event.getCgroupPath() != null) {
            info.setCgroupPath(event.getCgroupPath());
        }
    }

    private static void fillMissing(ProcessInfo.Builder info, ProcessInfo seen) {
        if (info.getExe() == null) {
            info.setExe(seen.getExe());
        }
        if (info.getCmdline().isEmpty()) {
            info.setCmdline(seen.getCmdline());
        }
        if (info.getCgroupPath() == null) {
            info.setCgroupPath(seen.getCgroupPath());
        }
        if (info.getComm().isEmpty()) {
            info.setComm(seen.getComm());
        }
    }

    private static ProcessInfo.Builder identify(ProcessInfo.Builder info) {
        ServiceIdentity identity = IdentityRules.identify(ProcessFacts.of(info.getPid(), info.getPpid(),
                info.getCgroupPath(), info.getExe(), info.getExecFilename(), info.getCmdline(), info.getComm()));
        return info.setService(identity.service()).setServiceKind(identity.kind())
                .setContainerId(identity.containerId()).setPodUid(identity.podUid());
    }
}
