package io.tapwire.streams.listeners;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.NetworkInterface;
import io.tapwire.schemas.raw.NetworkNamespace;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.streams.identity.IdentityRules;
import io.tapwire.streams.identity.ProcessFacts;
import io.tapwire.streams.internal.ListenSocket;
import io.tapwire.streams.internal.NamespaceAddresses;
import io.tapwire.streams.internal.NodeFact;
import io.tapwire.streams.internal.NodeFactKind;
import io.tapwire.streams.internal.SnapshotProcess;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;

/** What the listener registry takes from an inventory snapshot part or from a listening socket's change. */
final class NodeFacts {

    private NodeFacts() {
    }

    /**
     * A snapshot part reduced to namespaces (all their interfaces' addresses), processes (with their service by the
     * identity rules, for the listeners of this and later parts) and TCP listeners. UDP sockets are left out: the
     * listener key has no transport, and nothing connects to them.
     */
    static NodeFact ofSnapshot(NodeInventory snapshot) {
        RawHeader h = snapshot.getHeader();
        List<NamespaceAddresses> namespaces = new ArrayList<>();
        for (NetworkNamespace namespace : snapshot.getNamespaces()) {
            TreeSet<String> addresses = new TreeSet<>();
            for (NetworkInterface nic : namespace.getInterfaces()) {
                addresses.addAll(nic.getAddresses());
            }
            namespaces.add(NamespaceAddresses.newBuilder().setInode(namespace.getInode())
                    .setAddresses(new ArrayList<>(addresses)).setSnapshotId(snapshot.getSnapshotId()).build());
        }
        Map<Integer, SnapshotProcess> processes = new HashMap<>();
        List<SnapshotProcess> processList = new ArrayList<>();
        for (ProcessSnapshot p : snapshot.getProcesses()) {
            SnapshotProcess process = SnapshotProcess.newBuilder().setPid(p.getPid()).setStartTimeTicks(p.getStartTimeTicks())
                    .setService(IdentityRules.identify(ProcessFacts.of(p)).service())
                    .setSnapshotId(snapshot.getSnapshotId()).build();
            processes.put(p.getPid(), process);
            processList.add(process);
        }
        List<ListenSocket> listeners = new ArrayList<>();
        for (ListenerSnapshot l : snapshot.getListeners()) {
            if (l.getTransport() != Transport.TCP) {
                continue;
            }
            SnapshotProcess owner = processes.get(l.getPid());
            listeners.add(ListenSocket.newBuilder().setNetnsInode(l.getNetnsInode()).setSocketInode(l.getSocketInode())
                    .setAddress(l.getAddress()).setPort(l.getPort()).setPid(l.getPid())
                    .setStartTimeTicks(owner == null ? 0 : owner.getStartTimeTicks())
                    .setService(owner == null ? "" : owner.getService())
                    .setSnapshotId(snapshot.getSnapshotId()).setUpdatedAtEpochNs(h.getEpochTimeNs()).build());
        }
        return NodeFact.newBuilder().setKind(NodeFactKind.SNAPSHOT_PART)
                .setCluster(h.getCluster()).setNode(h.getNode()).setBootId(h.getBootId()).setEpochNs(h.getEpochTimeNs())
                .setSnapshotId(snapshot.getSnapshotId()).setPart(snapshot.getPart()).setParts(snapshot.getParts())
                .setNamespaces(namespaces).setProcesses(processList).setListeners(listeners)
                .build();
    }

    /** A listening socket opened or closed, with the service of its owner (attached by the process join). */
    static NodeFact ofListen(SocketChange change) {
        return NodeFact.newBuilder()
                .setKind(change.getKind() == SocketChangeKind.LISTEN_OPEN ? NodeFactKind.LISTEN_OPEN : NodeFactKind.LISTEN_CLOSE)
                .setCluster(change.getCluster()).setNode(change.getNode()).setBootId(change.getBootId())
                .setEpochNs(change.getEpochNs())
                .setListen(ListenSocket.newBuilder().setNetnsInode(change.getNetnsInode())
                        .setSocketInode(change.getSocketInode())
                        .setAddress(change.getLocalAddress()).setPort(change.getLocalPort())
                        .setPid(change.getOwnerPid()).setStartTimeTicks(change.getOwnerStartTicks())
                        .setService(change.getOwnerService() == null ? "" : change.getOwnerService())
                        .setSnapshotId(-1).setUpdatedAtEpochNs(change.getEpochNs()).build())
                .build();
    }
}
