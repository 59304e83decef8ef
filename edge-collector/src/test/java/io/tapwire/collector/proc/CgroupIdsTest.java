package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupIdsTest {

    @TempDir
    Path hierarchy;

    @Test
    void findsTheUnifiedMountOfAHybridHost() {
        assertThat(Cgroup2Mount.find(Captures.read("host/mountinfo")))
                .contains(new Cgroup2Mount(Path.of("/sys/fs/cgroup/unified"), "/"));
    }

    @Test
    void findsTheMountOfAPureV2HostWhateverTheOptionalFields() {
        String mountinfo = "25 30 0:22 / /proc rw,nosuid - proc proc rw\n"
                + "29 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 master:1 - cgroup2 cgroup2 "
                + "rw,nsdelegate,memory_recursiveprot\n";

        assertThat(Cgroup2Mount.find(mountinfo)).contains(new Cgroup2Mount(Path.of("/sys/fs/cgroup"), "/"));
    }

    @Test
    void unescapesOctalInMountPoints() {
        String mountinfo = "29 24 0:26 / /mnt/with\\040space rw - cgroup2 none rw\n";

        assertThat(Cgroup2Mount.find(mountinfo).orElseThrow().mountPoint()).isEqualTo(Path.of("/mnt/with space"));
    }

    @Test
    void noCgroup2MountOnAV1OnlyHost() {
        String mountinfo = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";

        assertThat(Cgroup2Mount.find(mountinfo)).isEmpty();
        CgroupIds ids = new CgroupIds(Optional.empty(), 10, 10);
        assertThat(ids.idOf("/")).isEmpty();
        assertThat(ids.pathOf(1)).isEmpty();
    }

    @Test
    void idOfAPathIsTheInodeOfItsDirectory() throws Exception {
        Path service = Files.createDirectories(hierarchy.resolve("system.slice/nginx.service"));
        CgroupIds ids = new CgroupIds(Optional.of(new Cgroup2Mount(hierarchy, "/")), 10, 100);

        assertThat(ids.idOf("/system.slice/nginx.service")).hasValue(inode(service));
        assertThat(ids.idOf("/")).hasValue(inode(hierarchy));
        assertThat(ids.idOf(new CgroupPath("memory", "/system.slice"))).isEmpty();
        assertThat(ids.idOf("/removed")).isEmpty();
    }

    @Test
    void recreatedCgroupGetsItsNewId() throws Exception {
        Path service = Files.createDirectories(hierarchy.resolve("system.slice/app.service"));
        CgroupIds ids = new CgroupIds(Optional.of(new Cgroup2Mount(hierarchy, "/")), 10, 100);
        long before = ids.idOf("/system.slice/app.service").orElseThrow();

        Files.delete(service);
        Files.createDirectory(service);

        assertThat(ids.idOf("/system.slice/app.service")).hasValue(inode(service));
        assertThat(ids.pathOf(before)).contains("/system.slice/app.service");
    }

    @Test
    void unseenIdIsFoundByWalkingAndEverythingOnTheWayIsRemembered() throws Exception {
        Path a = Files.createDirectories(hierarchy.resolve("kubepods/besteffort/pod1/c1"));
        Path b = Files.createDirectories(hierarchy.resolve("system.slice/cron.service"));
        Files.writeString(hierarchy.resolve("system.slice/cgroup.procs"), "1\n");
        CgroupIds ids = new CgroupIds(Optional.of(new Cgroup2Mount(hierarchy, "/")), 100, 100);

        assertThat(ids.pathOf(inode(a))).contains("/kubepods/besteffort/pod1/c1");
        assertThat(ids.pathOf(inode(b))).contains("/system.slice/cron.service");
        assertThat(ids.pathOf(inode(hierarchy))).contains("/");
        assertThat(ids.pathOf(-5)).isEmpty();
    }

    @Test
    void walkStopsAtItsBound() throws Exception {
        Path deep = Files.createDirectories(hierarchy.resolve("a/b/c/d/e"));
        CgroupIds ids = new CgroupIds(Optional.of(new Cgroup2Mount(hierarchy, "/")), 100, 3);

        assertThat(ids.pathOf(inode(deep))).isEmpty();
    }

    @Test
    void mountOfASubtreeMapsPathsUnderItsRoot() throws Exception {
        Path container = Files.createDirectories(hierarchy.resolve("c1"));
        Cgroup2Mount mount = new Cgroup2Mount(hierarchy, "/kubepods/pod1");
        CgroupIds ids = new CgroupIds(Optional.of(mount), 10, 100);

        assertThat(ids.idOf("/kubepods/pod1/c1")).hasValue(inode(container));
        assertThat(mount.pathOf(container)).isEqualTo("/kubepods/pod1/c1");
    }

    private static long inode(Path directory) throws Exception {
        return ((Number) Files.getAttribute(directory, "unix:ino")).longValue();
    }
}
