package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessFactsCacheTest {

    @TempDir
    Path root;
    FakeProcTree tree;
    ProcessFactsCache cache;

    @BeforeEach
    void setUp() {
        tree = new FakeProcTree(root);
        cache = new ProcessFactsCache(tree.procFs(), 3, 1024);
    }

    @AfterEach
    void removeLinks() {
        tree.removeLinks();
    }

    @Test
    void exeCmdlineAndCgroupAreReadOnce() {
        tree.process(10, 1, 500, "app").cmdline("app", "--v1").exe("/opt/app").cgroup("0::/a\n");
        ProcessFacts first = cache.lookup(10).orElseThrow();

        tree.process(10, 1, 500, "app").cmdline("app", "--changed").exe("/opt/other").cgroup("0::/b\n");

        assertThat(cache.lookup(10)).contains(first);
        assertThat(cache.lookup(10, 500).orElseThrow().cmdline()).containsExactly("app", "--v1");
    }

    @Test
    void reusedPidWithAnotherStartTimeIsReadAgain() {
        tree.process(10, 1, 500, "old").cmdline("old");
        cache.lookup(10);

        tree.process(10, 1, 900, "new").cmdline("new");

        ProcessFacts facts = cache.lookup(10).orElseThrow();
        assertThat(facts.startTimeTicks()).isEqualTo(900);
        assertThat(facts.cmdline()).containsExactly("new");
    }

    @Test
    void lookupOfAProcessThatIsGoneGivesNothingEvenIfItsPidLives() {
        tree.process(10, 1, 900, "new").cmdline("new");

        assertThat(cache.lookup(10, 500)).isEmpty();
        assertThat(cache.lookup(11, 500)).isEmpty();
    }

    @Test
    void invalidateAfterExecRereads() {
        tree.process(10, 1, 500, "sh").cmdline("sh", "-c", "exec app").exe("/bin/sh");
        cache.lookup(10);
        tree.process(10, 1, 500, "app").cmdline("app").exe("/opt/app");

        cache.invalidate(10);

        assertThat(cache.lookup(10).orElseThrow().executable()).contains(new Executable("/opt/app", false));
    }

    @Test
    void refreshReadsAfreshAndReplaces() {
        tree.process(10, 1, 500, "sh").cmdline("sh");
        cache.lookup(10);
        tree.process(10, 1, 500, "app").cmdline("app");

        assertThat(cache.refresh(10).orElseThrow().cmdline()).containsExactly("app");
        assertThat(cache.lookup(10).orElseThrow().cmdline()).containsExactly("app");
    }

    @Test
    void sizeIsBoundedLeastRecentlyUsedFirst() {
        for (int pid = 1; pid <= 4; pid++) {
            tree.process(pid, 0, pid, "p" + pid).cmdline("p" + pid);
        }
        cache.lookup(1);
        cache.lookup(2);
        cache.lookup(3);
        cache.lookup(1);
        tree.process(2, 0, 2, "p2").cmdline("changed");

        cache.lookup(4);

        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.lookup(2).orElseThrow().cmdline()).containsExactly("changed");
    }

    @Test
    void exitedProcessesAreEvicted() {
        tree.process(10, 1, 500, "a");
        tree.process(11, 1, 500, "b");
        cache.lookup(10);
        cache.lookup(11);

        tree.vanish(10);
        cache.evictExited();

        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void vanishedProcessIsDroppedOnLookup() {
        tree.process(10, 1, 500, "a");
        cache.lookup(10);
        tree.vanish(10);

        assertThat(cache.lookup(10)).isEmpty();
        assertThat(cache.refresh(10)).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void kernelThreadFactsHaveNoExeOrArguments() {
        tree.process(2, 0, 0, "kthreadd").file("cmdline", "");

        ProcessFacts facts = cache.lookup(2).orElseThrow();

        assertThat(facts.executable()).isEmpty();
        assertThat(facts.cmdline()).isEmpty();
        assertThat(facts.cgroup()).isEmpty();
        assertThat(facts.uid()).isEmpty();
    }

    @Test
    void cmdlineIsCappedAsConfigured() {
        tree.process(10, 1, 500, "java").cmdline("java", "x".repeat(5000));

        assertThat(cache.lookup(10).orElseThrow().cmdline().get(1)).hasSize(1024 - "java\0".length());
    }

    @Test
    void badBoundsAreRejected() {
        assertThatThrownBy(() -> new ProcessFactsCache(tree.procFs(), 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
