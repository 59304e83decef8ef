package io.tapwire.collector.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cgroup v2 hierarchy, wherever it is mounted (/sys/fs/cgroup on a v2-only host,
 * /sys/fs/cgroup/unified on a hybrid one). A cgroup's id, as BPF reports it, is its directory's inode.
 */
final class Cgroup2 {

    private Cgroup2() {
    }

    static Path mountPoint() throws IOException {
        // /proc/self/mountinfo: "... mount-point ... - fstype source options"; field 5 is the mount point.
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (separator > 0 && fields[separator + 1].equals("cgroup2")) {
                return Path.of(fields[4]);
            }
        }
        throw new AssertionError("no cgroup2 hierarchy mounted: mount -t cgroup2 none /sys/fs/cgroup/unified");
    }

    static long id(Path cgroupDirectory) throws IOException {
        return ((Number) Files.getAttribute(cgroupDirectory, "unix:ino")).longValue();
    }

    /** The directory of the process's cgroup v2, from the "0::/path" line of /proc/&lt;pid&gt;/cgroup. */
    static Path of(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            if (line.startsWith("0::")) {
                return mountPoint().resolve(line.substring(3).replaceFirst("^/", ""));
            }
        }
        throw new AssertionError("/proc/" + pid + "/cgroup has no cgroup v2 line");
    }
}
