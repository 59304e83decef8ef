package io.tapwire.collector.records;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodePidKey;

/**
 * The raw topics' keys for this node, made per record by appending a number to a prefix encoded once: cluster,
 * node and boot are the same on every record, and percent-encoding them again each time cost more than the rest
 * of the key. The prefixes come from the key classes' own format, so the keys are theirs exactly. A connection's key
 * is kept for its next events (a request, its response, the other end's view of both). Not thread-safe (the poll
 * thread owns it).
 */
final class NodeKeys {

    private static final int CONNECTION_SLOT_BITS = 10;

    private final String pidPrefix;
    private final String connectionPrefix;
    private final long[] recentInodes = new long[1 << CONNECTION_SLOT_BITS];
    private final String[] recentConnectionKeys = new String[1 << CONNECTION_SLOT_BITS];

    NodeKeys(NodeIdentity identity) {
        this.pidPrefix = withoutLast(new NodePidKey(identity.cluster(), identity.node(), 0).format());
        this.connectionPrefix = withoutLast(new ConnectionKey(identity.cluster(), identity.node(), identity.bootId(), 0)
                .format());
    }

    /** {@code cluster/node/pid}, as {@link NodePidKey#format}. */
    String pid(int pid) {
        return pidPrefix + pid;
    }

    /** {@code cluster/node/boot/inode}, as {@link ConnectionKey#format}. */
    String connection(long socketInode) {
        int slot = (int) ((socketInode * 0x9E37_79B9_7F4A_7C15L) >>> (Long.SIZE - CONNECTION_SLOT_BITS));
        String key = recentConnectionKeys[slot];
        if (key == null || recentInodes[slot] != socketInode) {
            key = connectionPrefix + socketInode;
            recentInodes[slot] = socketInode;
            recentConnectionKeys[slot] = key;
        }
        return key;
    }

    /** The key of number 0 without its "0": everything up to and including the last separator. */
    private static String withoutLast(String keyOfZero) {
        return keyOfZero.substring(0, keyOfZero.length() - 1);
    }
}
