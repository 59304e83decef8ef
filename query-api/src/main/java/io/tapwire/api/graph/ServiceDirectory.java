package io.tapwire.api.graph;

import io.tapwire.api.read.ServiceNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.SortedSet;

import io.tapwire.api.query.TimeRange;
import io.tapwire.schemas.derived.ProcessInfo;

/**
 * Which services have processes, of which kind, on which nodes, and when: the read model of the compacted
 * {@code tapwire.processes.v1}. A process's tombstone (after its exit and the topology's grace period) does not
 * make its service unknown: what the directory knows per service and node outlives the processes, for
 * {@code retention} of event time behind the newest process update.
 *
 * <p>One thread writes; queries copy what they need under the same lock (the directory holds one entry per process
 * and per service and node, a small fraction of what the metric windows hold).
 */
public final class ServiceDirectory {

    /** What is known of a service on one node. */
    private static final class Presence {
        String kind;
        long firstSeenNs = Long.MAX_VALUE;
        long lastSeenNs = Long.MIN_VALUE;
        int running;
    }

    private record ServiceNode(String service, String node) {
    }

    /** A process as last stated, reduced to what the directory needs. */
    private record Process(ServiceNode at, boolean running) {
    }

    /** A service's kind and the nodes it was seen on in a range. */
    public record Entry(String kind, SortedSet<String> nodes) {
    }

    private static final long PRUNE_EVERY_NS = 60_000_000_000L;

    private final long retentionNs;
    private final Map<String, Process> processes = new HashMap<>();
    private final Map<ServiceNode, Presence> presence = new HashMap<>();
    private long newestNs = Long.MIN_VALUE;
    private long prunedAtNs = Long.MIN_VALUE;

    public ServiceDirectory(Duration retention) {
        this.retentionNs = retention.toNanos();
    }

    public synchronized void put(String key, ProcessInfo info) {
        forget(processes.remove(key));
        ServiceNode at = new ServiceNode(ServiceNames.intern(info.getService()), info.getNode());
        boolean running = info.getExitedAtEpochNs() == null;
        processes.put(key, new Process(at, running));
        Presence p = presence.computeIfAbsent(at, k -> new Presence());
        p.kind = info.getServiceKind().name().toLowerCase(Locale.ROOT);
        long first = info.getStartedAtEpochNs() != null ? info.getStartedAtEpochNs() : info.getUpdatedAtEpochNs();
        long last = info.getExitedAtEpochNs() != null ? info.getExitedAtEpochNs() : info.getUpdatedAtEpochNs();
        p.firstSeenNs = Math.min(p.firstSeenNs, first);
        p.lastSeenNs = Math.max(p.lastSeenNs, last);
        if (running) {
            p.running++;
        }
        newestNs = Math.max(newestNs, info.getUpdatedAtEpochNs());
        // Once a minute of event time; the first update sets the clock.
        if (prunedAtNs == Long.MIN_VALUE) {
            prunedAtNs = newestNs;
        } else if (newestNs - prunedAtNs > PRUNE_EVERY_NS) {
            prune();
        }
    }

    public synchronized void remove(String key) {
        forget(processes.remove(key));
    }

    private void forget(Process old) {
        if (old != null && old.running()) {
            Presence p = presence.get(old.at());
            if (p != null) {
                p.running--;
            }
        }
    }

    /** Forgets a service on a node once no process of it runs there and its last sight is beyond the retention. */
    private void prune() {
        prunedAtNs = newestNs;
        long horizon = newestNs - retentionNs;
        presence.values().removeIf(p -> p.running <= 0 && p.lastSeenNs < horizon);
    }

    /**
     * The services with a process in the range (a process still running counts up to any later time), by name, with
     * their kind (as the latest process update of the service stated it) and the nodes they were seen on.
     */
    public synchronized Map<String, Entry> seenIn(TimeRange range) {
        long fromNs = range.fromNs();
        long toNs = range.toNs();
        Map<String, Entry> seen = new TreeMap<>();
        presence.forEach((at, p) -> {
            if (p.firstSeenNs <= toNs && (p.running > 0 || p.lastSeenNs >= fromNs)) {
                seen.computeIfAbsent(at.service(), s -> new Entry(p.kind, new TreeSet<>())).nodes().add(at.node());
            }
        });
        return seen;
    }

    /** The kind of every service the directory knows, in or out of any range. */
    public synchronized Map<String, String> kinds() {
        Map<String, String> kinds = new HashMap<>();
        presence.forEach((at, p) -> kinds.put(at.service(), p.kind));
        return kinds;
    }

    /** The services with a process running now (as the latest process updates say), by name. */
    public synchronized SortedSet<String> running() {
        SortedSet<String> running = new TreeSet<>();
        presence.forEach((at, p) -> {
            if (p.running > 0) {
                running.add(at.service());
            }
        });
        return running;
    }

    public synchronized boolean knows(String service) {
        for (ServiceNode at : presence.keySet()) {
            if (at.service().equals(service)) {
                return true;
            }
        }
        return false;
    }

    public synchronized int processCount() {
        return processes.size();
    }
}
