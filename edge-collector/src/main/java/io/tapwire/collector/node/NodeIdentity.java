package io.tapwire.collector.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which node and boot the collector runs on: the names every raw record carries. The node is the hostname
 * (readable in keys and in the UI) unless configured; the boot id makes pids, socket inodes and kernel timestamps
 * unique, since they are only unique within one boot.
 */
public record NodeIdentity(String cluster, String node, String bootId) {

    public NodeIdentity {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(bootId, "bootId");
        if (cluster.isBlank() || node.isBlank()) {
            throw new IllegalArgumentException("cluster and node names must not be empty");
        }
    }

    /** Reads the boot id and, unless {@code nodeOverride} is given, the hostname from {@code procRoot}. */
    public static NodeIdentity detect(String cluster, String nodeOverride, Path procRoot) {
        String bootId = read(procRoot.resolve("sys/kernel/random/boot_id"));
        String node = nodeOverride != null && !nodeOverride.isBlank() ? nodeOverride
                : read(procRoot.resolve("sys/kernel/hostname"));
        return new NodeIdentity(cluster, node, bootId);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (is /proc mounted?)", e);
        }
    }
}
