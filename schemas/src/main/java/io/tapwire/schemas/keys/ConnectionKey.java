package io.tapwire.schemas.keys;

import java.util.Objects;

/**
 * The connection id, key of {@code tapwire.raw.tcp.v1}, {@code tapwire.raw.l7.v1} and
 * {@code tapwire.l7.requests.v1}: {@code cluster/node/bootId/socketInode}. Socket inodes are unique within a boot.
 */
public record ConnectionKey(String cluster, String node, String bootId, long socketInode) {

    public static final String FORMAT = "cluster/node/bootId/socketInode";

    public ConnectionKey {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(bootId, "bootId");
    }

    public String format() {
        return KeyCodec.join(cluster, node, bootId, Long.toString(socketInode));
    }

    public static ConnectionKey parse(String key) {
        String[] p = KeyCodec.split(key, 4, FORMAT);
        return new ConnectionKey(p[0], p[1], p[2], KeyCodec.parseLong(p[3], "socketInode", key));
    }

    @Override
    public String toString() {
        return format();
    }
}
