package io.tapwire.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tapwire.collector.proc.FakeProcTree;
import io.tapwire.schemas.raw.NodeInventory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeriodicInventoryTest {

    @TempDir
    Path root;

    @Test
    void takesASnapshotAtStartAndThenEveryIntervalEvenAfterAFailure() throws Exception {
        FakeProcTree tree = new FakeProcTree(root);
        tree.process(1, 0, 1, "init").cmdline("/sbin/init");
        InventorySnapshotter snapshotter = InventorySnapshotter.builder("x").procFs(tree.procFs()).build();
        LinkedBlockingQueue<List<NodeInventory>> snapshots = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        CountingHeaders counting = new CountingHeaders(1);
        InventoryPartHeaders headers = part -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("a producer hiccup");
            }
            return counting.headerFor(part);
        };

        try (PeriodicInventory periodic = new PeriodicInventory(snapshotter, Duration.ofMillis(50), () -> 5L,
                headers, snapshots::add)) {
            periodic.start();
            List<NodeInventory> first = snapshots.poll(10, TimeUnit.SECONDS);
            List<NodeInventory> afterFailure = snapshots.poll(10, TimeUnit.SECONDS);

            assertThat(first).isNotNull();
            assertThat(first.get(0).getProcesses()).hasSize(1);
            assertThat(first.get(0).getClockOffsetNs()).isEqualTo(5L);
            assertThat(afterFailure).isNotNull();
            assertThat(afterFailure.get(0).getSnapshotId()).isGreaterThan(first.get(0).getSnapshotId());
        }
    }

    @Test
    void intervalMustBePositive() {
        InventorySnapshotter snapshotter = InventorySnapshotter.builder("x").procFs(new FakeProcTree(root).procFs())
                .build();

        assertThatThrownBy(() -> new PeriodicInventory(snapshotter, Duration.ZERO, () -> 0, part -> null, parts -> {
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
    }
}
