package io.tapwire.schemas.keys;

import java.util.Objects;

/**
 * Key of {@code tapwire.listeners.v1}: {@code cluster/node/netnsInode/address}, the address being {@code ip:port}
 * ({@code [addr]:port} for IPv6). Network namespace inodes are only unique per node.
 */
public record ListenerKey(String cluster, String node, long netnsInode, String address) {

    public static final String FORMAT = "cluster/node/netnsInode/address";

    public ListenerKey {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(address, "address");
    }

    public String format() {
        return KeyCodec.join(cluster, node, Long.toString(netnsInode), address);
    }

    public static ListenerKey parse(String key) {
        String[] p = KeyCodec.split(key, 4, FORMAT);
        return new ListenerKey(p[0], p[1], KeyCodec.parseLong(p[2], "netnsInode", key), p[3]);
    }

    @Override
    public String toString() {
        return format();
    }
}
