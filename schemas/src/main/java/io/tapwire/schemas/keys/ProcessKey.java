package io.tapwire.schemas.keys;

import java.util.Objects;

/**
 * The process id across pid reuse, key of {@code tapwire.processes.v1}:
 * {@code cluster/node/bootId/pid/startTimeTicks}.
 */
public record ProcessKey(String cluster, String node, String bootId, int pid, long startTimeTicks) {

    public static final String FORMAT = "cluster/node/bootId/pid/startTimeTicks";

    public ProcessKey {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(bootId, "bootId");
    }

    public String format() {
        return KeyCodec.join(cluster, node, bootId, Integer.toString(pid), Long.toString(startTimeTicks));
    }

    public static ProcessKey parse(String key) {
        String[] p = KeyCodec.split(key, 5, FORMAT);
        return new ProcessKey(p[0], p[1], p[2], KeyCodec.parseInt(p[3], "pid", key),
                KeyCodec.parseLong(p[4], "startTimeTicks", key));
    }

    @Override
    public String toString() {
        return format();
    }
}
