package io.tapwire.collector.proc;

import java.util.Optional;

/**
 * The cgroup of a process as {@code /proc/<pid>/cgroup} names it.
 *
 * @param controllers the v1 controllers of the hierarchy ("memory", "cpu,cpuacct", "name=systemd"); empty for the
 *                    cgroup2 (unified) hierarchy
 * @param path        the path inside that hierarchy, relative to the reader's cgroup namespace ("/",
 *                    "/system.slice/nginx.service")
 */
public record CgroupPath(String controllers, String path) {

    /** Whether this is the cgroup2 hierarchy: only there is the path's directory inode the BPF cgroup id. */
    public boolean unified() {
        return controllers.isEmpty();
    }

    /**
     * The path as the raw records carry it (ProcessEvent.cgroupPath): the cgroup2 path as it is, a v1 path
     * prefixed with its controllers as {@code controllers:path}.
     */
    public String recorded() {
        return unified() ? path : controllers + ":" + path;
    }

    /**
     * Chooses from the text of {@code /proc/<pid>/cgroup} (lines {@code hierarchy-id:controllers:path}) the
     * cgroup2 line {@code 0::/path}, which pure v2 and hybrid hosts both have; on a v1-only host the first line
     * that has a path.
     */
    public static Optional<CgroupPath> choose(String text) {
        CgroupPath firstV1 = null;
        for (String line : text.split("\n")) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3 || fields[2].isEmpty()) {
                continue;
            }
            if (fields[0].equals("0") && fields[1].isEmpty()) {
                return Optional.of(new CgroupPath("", fields[2]));
            }
            if (firstV1 == null && !fields[1].isEmpty()) {
                firstV1 = new CgroupPath(fields[1], fields[2]);
            }
        }
        return Optional.ofNullable(firstV1);
    }
}
