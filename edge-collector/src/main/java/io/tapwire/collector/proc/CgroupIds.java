package io.tapwire.collector.proc;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Translates between cgroup v2 ids and cgroup paths. The id the kernel reports ({@code bpf_get_current_cgroup_id})
 * is the inode number of the cgroup's directory in the cgroup2 hierarchy, so a path's id is one stat away, and an
 * id never seen as a path is found by walking the hierarchy.
 *
 * <p>Only id → path is cached (LRU, bounded): on 64-bit kernels cgroup ids (kernfs node ids) are not reused within
 * a boot, so that pair stays true (unless the cgroup is renamed, which cgroup managers do not do). path → id is
 * not cached, because a path outlives its id: a restarted systemd unit or container gets a new cgroup directory,
 * and a new id, under the same path.
 *
 * <p>Without a cgroup2 mount (a v1-only host) every answer is empty. Thread-safe.
 */
public final class CgroupIds {

    /** Default bound of the cache. */
    public static final int DEFAULT_MAX_ENTRIES = 65_536;
    /** Default bound of one walk of the hierarchy: large hosts have a few thousand cgroups. */
    public static final int DEFAULT_MAX_WALKED_DIRECTORIES = 100_000;

    private final Optional<Cgroup2Mount> mount;
    private final int maxWalkedDirectories;
    private final Map<Long, String> pathsById;

    /**
     * @param mount                the cgroup2 mount, empty on a v1-only host
     * @param maxEntries           most id → path pairs cached
     * @param maxWalkedDirectories most directories one {@link #pathOf} walk visits before giving up
     */
    public CgroupIds(Optional<Cgroup2Mount> mount, int maxEntries, int maxWalkedDirectories) {
        if (maxEntries < 1 || maxWalkedDirectories < 1) {
            throw new IllegalArgumentException("cgroup id cache size and walk bound must be at least 1, got "
                    + maxEntries + " and " + maxWalkedDirectories);
        }
        this.mount = mount;
        this.maxWalkedDirectories = maxWalkedDirectories;
        this.pathsById = lru(maxEntries);
    }

    /** Finds the cgroup2 mount in the reader's {@code /proc/self/mountinfo}, with the default bounds. */
    public static CgroupIds locate(ProcFs procFs) {
        return new CgroupIds(procFs.selfMountinfo().flatMap(Cgroup2Mount::find), DEFAULT_MAX_ENTRIES,
                DEFAULT_MAX_WALKED_DIRECTORIES);
    }

    /** The cgroup2 mount used, empty on a v1-only host. */
    public Optional<Cgroup2Mount> mount() {
        return mount;
    }

    /**
     * The id of a cgroup2 path (as /proc/&lt;pid&gt;/cgroup shows it): the inode of its directory, one stat. Empty
     * when there is no cgroup2 mount or the cgroup was removed.
     */
    public OptionalLong idOf(String cgroupPath) {
        if (mount.isEmpty()) {
            return OptionalLong.empty();
        }
        OptionalLong id = inode(mount.get().directoryOf(cgroupPath));
        id.ifPresent(value -> remember(value, cgroupPath));
        return id;
    }

    /** The id of a process's cgroup when it is a cgroup2 path; empty for v1 paths, which have no such id. */
    public OptionalLong idOf(CgroupPath cgroup) {
        return cgroup.unified() ? idOf(cgroup.path()) : OptionalLong.empty();
    }

    /**
     * The path of a cgroup id: from the cache, else by walking the hierarchy (at most the configured number of
     * directories; every directory visited is cached on the way). Empty when not found: the cgroup was removed,
     * or the walk hit its bound.
     */
    public Optional<String> pathOf(long id) {
        if (mount.isEmpty()) {
            return Optional.empty();
        }
        synchronized (this) {
            String cached = pathsById.get(id);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        return walkFor(id);
    }

    private Optional<String> walkFor(long wanted) {
        Cgroup2Mount hierarchy = mount.get();
        String[] found = new String[1];
        int[] visited = new int[1];
        try {
            Files.walkFileTree(hierarchy.mountPoint(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                    if (++visited[0] > maxWalkedDirectories) {
                        return FileVisitResult.TERMINATE;
                    }
                    OptionalLong id = inode(directory);
                    if (id.isPresent()) {
                        String path = hierarchy.pathOf(directory);
                        remember(id.getAsLong(), path);
                        if (id.getAsLong() == wanted) {
                            found[0] = path;
                            return FileVisitResult.TERMINATE;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // A cgroup removed while walking.
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // walkFileTree reports a failure of the start directory only: the mount went away.
            return Optional.ofNullable(found[0]);
        }
        return Optional.ofNullable(found[0]);
    }

    private synchronized void remember(long id, String path) {
        pathsById.put(id, path);
    }

    private static OptionalLong inode(Path directory) {
        try {
            Object inode = Files.getAttribute(directory, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return OptionalLong.of(((Number) inode).longValue());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return OptionalLong.empty();
        }
    }

    private static Map<Long, String> lru(int maxEntries) {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
                return size() > maxEntries;
            }
        };
    }
}
