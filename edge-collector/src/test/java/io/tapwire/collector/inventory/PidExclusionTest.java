package io.tapwire.collector.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PidExclusionTest {

    @Test
    void excludesTheNamedPidsAndTheirDescendants() {
        Map<Integer, Integer> parents = Map.of(1, 0, 2, 0, 100, 1, 101, 100, 102, 101, 200, 1, 201, 200);

        assertThat(PidExclusion.excluded(parents, pid -> pid == 100)).containsExactlyInAnyOrder(100, 101, 102);
    }

    @Test
    void excludesNothingByDefault() {
        assertThat(PidExclusion.excluded(Map.of(1, 0, 5, 1), pid -> false)).isEmpty();
    }

    @Test
    void survivesACycleInRacyParentIds() {
        Map<Integer, Integer> parents = Map.of(10, 11, 11, 10, 12, 10);

        assertThat(PidExclusion.excluded(parents, pid -> pid == 99)).isEmpty();
        assertThat(PidExclusion.excluded(parents, pid -> pid == 11)).containsExactlyInAnyOrder(10, 11, 12);
    }

    @Test
    void parentOutsideTheSnapshotStillCounts() {
        // The collector's child whose parent is not in the map (it exited between reads) is decided by itself.
        assertThat(PidExclusion.excluded(Map.of(7, 3), pid -> pid == 3)).containsExactly(7);
    }
}
