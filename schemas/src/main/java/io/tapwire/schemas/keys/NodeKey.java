package io.tapwire.schemas.keys;

import java.util.Objects;

/** Key of {@code tapwire.raw.inventory.v1}: {@code cluster/node}. */
public record NodeKey(String cluster, String node) {

    public static final String FORMAT = "cluster/node";

    public NodeKey {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
    }

    public String format() {
        return KeyCodec.join(cluster, node);
    }

    public static NodeKey parse(String key) {
        String[] p = KeyCodec.split(key, 2, FORMAT);
        return new NodeKey(p[0], p[1]);
    }

    @Override
    public String toString() {
        return format();
    }
}
