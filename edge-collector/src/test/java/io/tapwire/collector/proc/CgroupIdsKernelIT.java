package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** cgroup ids on the real cgroup2 hierarchy (hybrid on this machine: /sys/fs/cgroup/unified). */
class CgroupIdsKernelIT {

    final ProcFs procFs = ProcFs.system();
    Process child;
    Path cgroup;

    @BeforeAll
    static void requireRoot() throws Exception {
        RealMachine.requireRoot();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        if (cgroup != null) {
            // A cgroup can be removed once its last process has exited; rmdir, not a recursive delete.
            for (int attempt = 0; attempt < 50 && Files.exists(cgroup); attempt++) {
                try {
                    Files.delete(cgroup);
                } catch (java.io.IOException busy) {
                    Thread.sleep(20);
                }
            }
        }
    }

    @Test
    void locatesTheCgroup2MountOfThisMachine() throws Exception {
        Cgroup2Mount mount = CgroupIds.locate(procFs).mount().orElseThrow();

        assertThat(RealMachine.run("stat", "-f", "-c", "%T", mount.mountPoint().toString()).strip())
                .isEqualTo("cgroup2fs");
    }

    @Test
    void processMovedIntoANewCgroupIsNamedByItsDirectorysInode() throws Exception {
        CgroupIds ids = CgroupIds.locate(procFs);
        Path mountPoint = ids.mount().orElseThrow().mountPoint();
        String name = "tapwire-inv-it-" + UUID.randomUUID().toString().substring(0, 8);
        cgroup = Files.createDirectory(mountPoint.resolve(name));
        child = new ProcessBuilder("sleep", "5").start();

        Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(child.pid()));

        CgroupPath path = procFs.cgroup((int) child.pid()).orElseThrow();
        assertThat(path).isEqualTo(new CgroupPath("", "/" + name));
        long inode = Long.parseLong(RealMachine.run("stat", "-c", "%i", cgroup.toString()).strip());
        assertThat(ids.idOf(path)).hasValue(inode);
        CgroupIds fresh = CgroupIds.locate(procFs);
        assertThat(fresh.pathOf(inode)).contains("/" + name);
        assertThat(fresh.pathOf(Long.parseLong(RealMachine.run("stat", "-c", "%i", mountPoint.toString()).strip())))
                .contains("/");
    }
}
