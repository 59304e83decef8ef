package io.tapwire.collector.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.tapwire.bpf.KernelPrerequisites;

/**
 * cgroups a test creates, removed again by {@link #close()}: only the directories this object created, deepest
 * first, so a hierarchy that already existed (a real kubepods or system.slice) is left alone.
 */
public final class TestCgroups implements AutoCloseable {

    private final List<Path> created = new ArrayList<>();

    /** Where the cgroup2 hierarchy is mounted: /sys/fs/cgroup on a v2-only host, /sys/fs/cgroup/unified on a hybrid one. */
    public static Path cgroup2() throws IOException {
        // /proc/self/mountinfo: "id parent dev root mount-point options [optional...] - fstype source options"
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (separator > 0 && fields[separator + 1].equals("cgroup2")) {
                return Path.of(fields[4]);
            }
        }
        throw new AssertionError("no cgroup2 hierarchy is mounted: mount -t cgroup2 none /sys/fs/cgroup/unified");
    }

    /** The cgroup id BPF reports for a cgroup2 directory: its inode number. */
    public static long id(Path cgroup) {
        try {
            return ((Number) Files.getAttribute(cgroup, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code path} (relative, slash-separated) under {@code hierarchy}, with whatever parents are missing. */
    public Path create(Path hierarchy, String path) throws IOException {
        Path directory = hierarchy;
        for (String name : path.split("/")) {
            directory = directory.resolve(name);
            if (!Files.isDirectory(directory)) {
                Files.createDirectory(directory);
                created.add(directory);
            }
        }
        return directory;
    }

    /**
     * A shell command that moves its shell into the cgroup and then execs {@code command}: the exec happens in the
     * cgroup, as a container runtime or systemd starts a service.
     */
    public static String runIn(Path cgroup, String command) {
        return "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec " + command;
    }

    /**
     * Runs awk in a new cgroup of the v1 memory controller limited to 20 MiB while awk doubles a string until it
     * would hold 256 MiB: the kernel's OOM killer kills it long before. Returns awk, finished (128 + SIGKILL).
     */
    public Process awkKilledByItsMemoryLimit() throws IOException, InterruptedException {
        Path cgroup = create(KernelPrerequisites.memoryCgroupV1(), "tapwire-test-" + UUID.randomUUID());
        Files.writeString(cgroup.resolve("memory.limit_in_bytes"), Integer.toString(20 * 1024 * 1024));
        Process awk = new ProcessBuilder("/bin/sh", "-c", runIn(cgroup,
                "awk 'BEGIN { s = \"x\"; for (i = 0; i < 28; i++) s = s s; print length(s) }'")).start();
        if (!awk.waitFor(30, TimeUnit.SECONDS) || awk.exitValue() != 137) {
            awk.destroyForcibly();
            throw new AssertionError("awk was not killed for its memory limit (exit " + awk.exitValue() + ")");
        }
        return awk;
    }

    /** Removes what {@link #create} made. A cgroup is busy until its last process has exited and been reaped. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (int i = created.size() - 1; i >= 0; i--) {
            Path directory = created.get(i);
            for (int attempt = 0; ; attempt++) {
                try {
                    Files.deleteIfExists(directory);
                    break;
                } catch (IOException busy) {
                    if (attempt == 50) {
                        throw new IOException("cannot remove the test cgroup " + directory + " after 5 s", busy);
                    }
                    Thread.sleep(100);
                }
            }
        }
        created.clear();
    }
}
