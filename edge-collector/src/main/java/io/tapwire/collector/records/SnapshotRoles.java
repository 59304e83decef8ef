package io.tapwire.collector.records;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.ConnectionSnapshot;
import io.tapwire.schemas.raw.NodeInventory;

/**
 * The role of every connection the latest inventory snapshot listed, by socket inode. The kernel knows a socket's
 * role only when it saw its connect or accept; for a socket older than the collector it reports UNKNOWN, while
 * the snapshot tells the two ends apart by the node's listening ports. Written by the inventory thread, read by
 * the poll thread: a snapshot replaces the whole map at once.
 */
public final class SnapshotRoles {

    private volatile Map<Long, ConnectionRole> roles = Map.of();

    /** Takes the roles of one whole snapshot (all its parts). */
    public void update(List<NodeInventory> parts) {
        Map<Long, ConnectionRole> next = new HashMap<>();
        for (NodeInventory part : parts) {
            for (ConnectionSnapshot connection : part.getConnections()) {
                if (connection.getRole() != ConnectionRole.UNKNOWN) {
                    next.put(connection.getSocketInode(), connection.getRole());
                }
            }
        }
        roles = next;
    }

    /** The snapshot's role of {@code socketInode}, or UNKNOWN. */
    public ConnectionRole of(long socketInode) {
        return roles.getOrDefault(socketInode, ConnectionRole.UNKNOWN);
    }
}
