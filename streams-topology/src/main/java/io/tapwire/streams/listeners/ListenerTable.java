package io.tapwire.streams.listeners;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.internal.ListenSocket;
import io.tapwire.streams.internal.NamespaceAddresses;
import io.tapwire.streams.internal.NodeFact;
import io.tapwire.streams.internal.SnapshotProcess;
import io.tapwire.streams.internal.SnapshotProgress;
import io.tapwire.streams.net.Endpoints;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The listening sockets and network namespaces of the nodes this task owns, and the listener entries they
 * expand to: one per address a client can connect to, a wildcard listen (0.0.0.0, ::) giving one entry per
 * address of its namespace in the node's latest inventory.
 *
 * <p>Every fact returns the entries that changed (a null value: the entry is gone). Entries are compared
 * without their update time, so a snapshot that repeats what is known changes nothing. A complete snapshot
 * also removes what it no longer lists: listeners whose close was not seen, if they were not opened after it
 * was taken, and namespaces that are gone. A fact of a newer boot replaces everything known of the node.
 */
final class ListenerTable {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, ListenSocket> sockets;
    private final KeyValueStore<String, NamespaceAddresses> namespaces;
    private final KeyValueStore<String, SnapshotProcess> processes;
    private final KeyValueStore<String, SnapshotProgress> progress;
    private final KeyValueStore<String, ListenerInfo> entries;

    ListenerTable(KeyValueStore<String, ListenSocket> sockets, KeyValueStore<String, NamespaceAddresses> namespaces,
                  KeyValueStore<String, SnapshotProcess> processes, KeyValueStore<String, SnapshotProgress> progress,
                  KeyValueStore<String, ListenerInfo> entries) {
        this.sockets = sockets;
        this.namespaces = namespaces;
        this.processes = processes;
        this.progress = progress;
        this.entries = entries;
    }

    List<KeyValue<String, ListenerInfo>> apply(NodeFact fact) {
        String cluster = fact.getCluster();
        String node = fact.getNode();
        Set<Long> affected = new TreeSet<>();
        SnapshotProgress known = progress.get(InternalKeys.join(cluster, node));
        if (known == null) {
            known = SnapshotProgress.newBuilder().setBootId(fact.getBootId()).setLastEpochNs(fact.getEpochNs())
                    .setSnapshotId(-1).setPartsSeen(0).build();
        } else if (!known.getBootId().equals(fact.getBootId())) {
            if (fact.getEpochNs() < known.getLastEpochNs()) {
                return List.of();   // a late fact of a boot already replaced
            }
            forgetNode(cluster, node, affected);
            known = SnapshotProgress.newBuilder().setBootId(fact.getBootId()).setLastEpochNs(fact.getEpochNs())
                    .setSnapshotId(-1).setPartsSeen(0).build();
        }
        known.setLastEpochNs(Math.max(known.getLastEpochNs(), fact.getEpochNs()));
        switch (fact.getKind()) {
            case LISTEN_OPEN -> {
                ListenSocket socket = ListenSocket.newBuilder(fact.getListen()).build();
                if (socket.getService().isEmpty()) {
                    socket.setService(serviceOf(cluster, node, socket.getPid(), socket.getStartTimeTicks()));
                }
                String key = socketKey(cluster, node, socket);
                ListenSocket before = sockets.get(key);
                if (!sameListen(before, socket)) {
                    sockets.put(key, socket);
                    affected.add(socket.getNetnsInode());
                    if (before != null) {
                        affected.add(before.getNetnsInode());
                    }
                }
            }
            case LISTEN_CLOSE -> {
                String key = socketKey(cluster, node, fact.getListen());
                ListenSocket closed = sockets.get(key);
                if (closed != null) {
                    sockets.delete(key);
                    affected.add(closed.getNetnsInode());
                }
            }
            case SNAPSHOT_PART -> applySnapshot(fact, known, affected);
            default -> { }
        }
        progress.put(InternalKeys.join(cluster, node), known);
        List<KeyValue<String, ListenerInfo>> out = new ArrayList<>();
        for (long netns : affected) {
            expand(cluster, node, known.getBootId(), netns, fact.getEpochNs(), out);
        }
        return out;
    }

    private void applySnapshot(NodeFact fact, SnapshotProgress known, Set<Long> affected) {
        String cluster = fact.getCluster();
        String node = fact.getNode();
        if (known.getSnapshotId() != fact.getSnapshotId()) {
            known.setSnapshotId(fact.getSnapshotId());
            known.setPartsSeen(0);
        }
        known.setPartsSeen(known.getPartsSeen() + 1);
        for (SnapshotProcess process : fact.getProcesses()) {
            processes.put(InternalKeys.join(cluster, node, Integer.toString(process.getPid())), process);
        }
        for (NamespaceAddresses namespace : fact.getNamespaces()) {
            String key = InternalKeys.join(cluster, node, Long.toString(namespace.getInode()));
            NamespaceAddresses before = namespaces.get(key);
            if (before == null || !before.getAddresses().equals(namespace.getAddresses())) {
                affected.add(namespace.getInode());
            }
            namespaces.put(key, namespace);
        }
        for (ListenSocket listed : fact.getListeners()) {
            ListenSocket socket = ListenSocket.newBuilder(listed).build();
            String key = socketKey(cluster, node, socket);
            ListenSocket before = sockets.get(key);
            if (socket.getService().isEmpty()) {
                socket.setService(serviceOf(cluster, node, socket.getPid(), socket.getStartTimeTicks()));
            }
            if (before != null && before.getPid() == socket.getPid()
                    && before.getStartTimeTicks() == socket.getStartTimeTicks() && !before.getService().isEmpty()) {
                // Same owner: keep the service named when it was first seen (events name it through the registry).
                socket.setService(before.getService());
            }
            if (sameListen(before, socket)) {
                before.setSnapshotId(fact.getSnapshotId());
                sockets.put(key, before);
            } else {
                sockets.put(key, socket);
                affected.add(socket.getNetnsInode());
                if (before != null) {
                    affected.add(before.getNetnsInode());
                }
            }
        }
        if (known.getPartsSeen() >= fact.getParts()) {
            reconcile(fact, affected);
        }
    }

    /** After every part of a snapshot: what it no longer lists is gone. */
    private void reconcile(NodeFact fact, Set<Long> affected) {
        String prefix = InternalKeys.prefix(fact.getCluster(), fact.getNode());
        for (KeyValue<String, ListenSocket> socket : scan(sockets, prefix)) {
            if (socket.value.getSnapshotId() != fact.getSnapshotId() && socket.value.getUpdatedAtEpochNs() < fact.getEpochNs()) {
                sockets.delete(socket.key);
                affected.add(socket.value.getNetnsInode());
            }
        }
        for (KeyValue<String, NamespaceAddresses> namespace : scan(namespaces, prefix)) {
            if (namespace.value.getSnapshotId() != fact.getSnapshotId()) {
                namespaces.delete(namespace.key);
                affected.add(namespace.value.getInode());
            }
        }
        for (KeyValue<String, SnapshotProcess> process : scan(processes, prefix)) {
            if (process.value.getSnapshotId() != fact.getSnapshotId()) {
                processes.delete(process.key);
            }
        }
    }

    /** A new boot: every socket, namespace and process of the old one is gone. */
    private void forgetNode(String cluster, String node, Set<Long> affected) {
        String prefix = InternalKeys.prefix(cluster, node);
        scan(sockets, prefix).forEach(socket -> sockets.delete(socket.key));
        scan(namespaces, prefix).forEach(namespace -> namespaces.delete(namespace.key));
        scan(processes, prefix).forEach(process -> processes.delete(process.key));
        scan(entries, prefix).forEach(entry -> affected.add(ListenerKey.parse(entry.key).netnsInode()));
    }

    /** Recomputes the entries of one namespace and returns those that changed. */
    private void expand(String cluster, String node, String bootId, long netns, long epochNs,
                        List<KeyValue<String, ListenerInfo>> out) {
        NamespaceAddresses namespace = namespaces.get(InternalKeys.join(cluster, node, Long.toString(netns)));
        List<String> addresses = namespace == null ? List.of() : namespace.getAddresses();
        List<ListenSocket> listening = new ArrayList<>();
        scan(sockets, InternalKeys.prefix(cluster, node)).stream().map(s -> s.value)
                .filter(s -> s.getNetnsInode() == netns).forEach(listening::add);
        // Where two sockets claim one address, a specific listen wins over a wildcard, then the lowest pid.
        listening.sort(Comparator.comparing((ListenSocket s) -> isWildcard(s.getAddress()))
                .thenComparingInt(ListenSocket::getPid).thenComparingLong(ListenSocket::getSocketInode));
        Map<String, ListenerInfo> desired = new TreeMap<>();
        for (ListenSocket socket : listening) {
            boolean wildcard = isWildcard(socket.getAddress());
            List<String> targets = !wildcard ? List.of(socket.getAddress())
                    : Endpoints.isIpv4Wildcard(socket.getAddress())
                    ? addresses.stream().filter(Endpoints::isIpv4).toList()
                    : addresses;
            for (String address : targets) {
                String endpoint = Endpoints.format(address, socket.getPort());
                desired.putIfAbsent(new ListenerKey(cluster, node, netns, endpoint).format(), ListenerInfo.newBuilder()
                        .setCluster(cluster).setNode(node).setBootId(bootId).setNetnsInode(netns)
                        .setAddress(endpoint).setTransport("tcp")
                        .setPid(socket.getPid()).setStartTimeTicks(socket.getStartTimeTicks())
                        .setService(socket.getService()).setFromWildcard(wildcard)
                        .setUpdatedAtEpochNs(epochNs).build());
            }
        }
        Map<String, ListenerInfo> current = new HashMap<>();
        scan(entries, new ListenerKey(cluster, node, netns, "").format()).forEach(e -> current.put(e.key, e.value));
        for (String gone : new TreeSet<>(current.keySet())) {
            if (!desired.containsKey(gone)) {
                entries.delete(gone);
                out.add(KeyValue.pair(gone, null));
            }
        }
        desired.forEach((key, entry) -> {
            ListenerInfo before = current.get(key);
            if (before == null || !sameEntry(before, entry)) {
                entries.put(key, entry);
                out.add(KeyValue.pair(key, entry));
            }
        });
    }

    private String serviceOf(String cluster, String node, int pid, long startTimeTicks) {
        SnapshotProcess process = processes.get(InternalKeys.join(cluster, node, Integer.toString(pid)));
        if (process == null || (startTimeTicks != 0 && process.getStartTimeTicks() != startTimeTicks)) {
            return "";
        }
        return process.getService();
    }

    /** Socket inodes are unique per boot of a node: a socket closed from another namespace is still found. */
    private static String socketKey(String cluster, String node, ListenSocket socket) {
        return InternalKeys.join(cluster, node, Long.toString(socket.getSocketInode()));
    }

    private static boolean isWildcard(String address) {
        return Endpoints.isIpv4Wildcard(address) || Endpoints.isIpv6Wildcard(address);
    }

    private static boolean sameListen(ListenSocket a, ListenSocket b) {
        return a != null && a.getNetnsInode() == b.getNetnsInode() && a.getAddress().equals(b.getAddress())
                && a.getPort() == b.getPort() && a.getPid() == b.getPid()
                && a.getStartTimeTicks() == b.getStartTimeTicks() && a.getService().equals(b.getService());
    }

    private static boolean sameEntry(ListenerInfo a, ListenerInfo b) {
        return Objects.equals(ListenerInfo.newBuilder(a).setUpdatedAtEpochNs(0).build(),
                ListenerInfo.newBuilder(b).setUpdatedAtEpochNs(0).build());
    }

    private static <V> List<KeyValue<String, V>> scan(KeyValueStore<String, V> store, String prefix) {
        List<KeyValue<String, V>> found = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(found::add);
        }
        return found;
    }
}
