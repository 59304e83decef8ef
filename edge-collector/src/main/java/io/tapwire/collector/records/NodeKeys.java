package io.tapwire.collector.records;

import io.tapwire.collector.node.NodeIdentity;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.NodePidKey;

/**
 * The raw topics' keys for this node, made per record by appending a number to a prefix encoded once: cluster,
 * node and boot are the same on every record, and percent-encoding them again each time cost more than the rest
 * of the key. The prefixes come from the key classes' own format, so the keys are theirs exactly.
 */
final class NodeKeys {

    private final String pidPrefix;
    private final String connectionPrefix;

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
        return connectionPrefix + socketInode;
    }

    /** The key of number 0 without its "0": everything up to and including the last separator. */
    private static String withoutLast(String keyOfZero) {
        return keyOfZero.substring(0, keyOfZero.length() - 1);
    }
}
