package io.tapwire.api.windows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

class RunningWindowsTest {

    /** Series with regular windows, gaps, bursts of close windows and a lone late one: every position is found. */
    @Test
    void theFirstWindowAtOrAfterATimeIsFoundWhateverTheSpacing() {
        Random random = new Random(5);
        for (int round = 0; round < 200; round++) {
            RunningWindows<L7Window> windows = new RunningWindows<>();
            TreeSet<Long> starts = new TreeSet<>();
            long t = 1_000_000L * random.nextInt(1000);
            int count = 1 + random.nextInt(round % 4 == 0 ? 3 : 120);
            for (int i = 0; i < count; i++) {
                int kind = random.nextInt(10);
                t += kind < 6 ? 10_000 : kind < 8 ? 10_000L * (2 + random.nextInt(50)) : 1 + random.nextInt(500);
                starts.add(t);
            }
            if (round % 5 == 0) {
                starts.add(t + 86_400_000L);
            }
            for (long start : starts) {
                windows.put(start, Windows.l7(0, 0.001));
            }
            Long[] sorted = starts.toArray(new Long[0]);
            for (int i = 0; i < sorted.length; i++) {
                for (long delta : new long[] {-1, 0, 1}) {
                    long ms = sorted[i] + delta;
                    assertThat(windows.firstAtOrAfter(ms)).as("%d in %s", ms, starts).isEqualTo(expected(sorted, ms));
                }
            }
            assertThat(windows.firstAtOrAfter(sorted[0] - 1_000_000)).isZero();
            assertThat(windows.firstAtOrAfter(sorted[sorted.length - 1] + 1)).isEqualTo(sorted.length);
        }
        assertThat(new RunningWindows<L7Window>().firstAtOrAfter(0)).isZero();
    }

    private static int expected(Long[] sorted, long ms) {
        int i = 0;
        while (i < sorted.length && sorted[i] < ms) {
            i++;
        }
        return i;
    }
}
