package io.tapwire.schemas.keys;

import java.util.Objects;

/** Key of {@code tapwire.raw.process.v1}, {@code tapwire.raw.file.v1} and {@code tapwire.raw.profile.v1}: {@code cluster/node/pid}. */
public record NodePidKey(String cluster, String node, int pid) {

    public static final String FORMAT = "cluster/node/pid";

    public NodePidKey {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
    }

    public String format() {
        return KeyCodec.join(cluster, node, Integer.toString(pid));
    }

    public static NodePidKey parse(String key) {
        String[] p = KeyCodec.split(key, 3, FORMAT);
        return new NodePidKey(p[0], p[1], KeyCodec.parseInt(p[2], "pid", key));
    }

    @Override
    public String toString() {
        return format();
    }
}
