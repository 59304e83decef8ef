package io.tapwire.collector.inventory;

import io.tapwire.collector.bpf.TcpState;
import io.tapwire.collector.proc.InetSocket;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.ListenerSnapshot;
import io.tapwire.schemas.raw.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;

/**
 * The listeners and connections of a snapshot, from each namespace's TCP and UDP sockets and the processes holding
 * them.
 *
 * <ul>
 *   <li>A UDP socket bound to a port and connected to no peer is a UDP listener (a DNS server, a syslog receiver);
 *       other UDP sockets are left out.</li>
 *   <li>Sockets with inode 0 (TIME_WAIT, request sockets, orphans) are left out: no process holds them and they
 *       have no connection id. So are sockets in CLOSE (created or bound, neither listening nor connected).</li>
 *   <li>A socket held only by excluded processes (Tapwire's own) is left out. A socket no readable process holds
 *       is kept, with no pids (a listener: pid 0): it is still a fact about the namespace.</li>
 *   <li>A connection's role is SERVER when its local port is a listening port of its namespace (any address,
 *       any family: a dual-stack :: listener accepts IPv4 too), else CLIENT. The kernel saw neither the connect
 *       nor the accept of a connection first met in a snapshot; all listeners count, excluded or not.</li>
 * </ul>
 */
final class SocketInventory {

    private final List<ListenerSnapshot> listeners = new ArrayList<>();
    private final List<ConnectionSnapshot> connections = new ArrayList<>();

    private SocketInventory() {
    }

    /**
     * @param socketsByNamespace namespace inode → its TCP and UDP sockets, in the order to report them
     * @param holders            socket inode → pids holding it (all processes, excluded ones too)
     * @param excluded           pids to leave out
     */
    static SocketInventory of(Map<Long, List<InetSocket>> socketsByNamespace, Map<Long, SortedSet<Integer>> holders,
            Set<Integer> excluded) {
        SocketInventory inventory = new SocketInventory();
        socketsByNamespace.forEach((namespace, sockets) -> inventory.add(namespace, sockets, holders, excluded));
        return inventory;
    }

    List<ListenerSnapshot> listeners() {
        return listeners;
    }

    List<ConnectionSnapshot> connections() {
        return connections;
    }

    private void add(long namespace, List<InetSocket> sockets, Map<Long, SortedSet<Integer>> holders,
            Set<Integer> excluded) {
        Set<Integer> listeningPorts = new HashSet<>();
        for (InetSocket socket : sockets) {
            if (socket.transport() == Transport.TCP && socket.state() == TcpState.LISTEN) {
                listeningPorts.add(socket.localPort());
            }
        }
        for (InetSocket socket : sockets) {
            boolean udpListener = socket.transport() == Transport.UDP && socket.state() == TcpState.CLOSE
                    && socket.localPort() != 0 && socket.remotePort() == 0;
            if (socket.inode() == 0 || socket.transport() == Transport.UDP && !udpListener
                    || socket.transport() == Transport.TCP && socket.state() == TcpState.CLOSE) {
                continue;
            }
            SortedSet<Integer> all = holders.getOrDefault(socket.inode(), Collections.emptySortedSet());
            List<Integer> pids = all.stream().filter(pid -> !excluded.contains(pid)).toList();
            if (pids.isEmpty() && !all.isEmpty()) {
                continue;
            }
            if (udpListener || socket.state() == TcpState.LISTEN) {
                listeners.add(ListenerSnapshot.newBuilder()
                        .setNetnsInode(namespace)
                        .setSocketInode(socket.inode())
                        .setPid(pids.isEmpty() ? 0 : pids.get(0))
                        .setTransport(socket.transport())
                        .setFamily(InventoryItems.family(socket))
                        .setAddress(socket.localAddress())
                        .setPort(socket.localPort())
                        .build());
            } else {
                connections.add(ConnectionSnapshot.newBuilder()
                        .setNetnsInode(namespace)
                        .setSocketInode(socket.inode())
                        .setPids(pids)
                        .setRole(listeningPorts.contains(socket.localPort()) ? ConnectionRole.SERVER
                                : ConnectionRole.CLIENT)
                        .setTuple(InventoryItems.tuple(socket))
                        .setTcpState(socket.state().name())
                        .build());
            }
        }
    }
}
