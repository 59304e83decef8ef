package io.tapwire.collector.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SequenceNumbersTest {

    @Test
    void numbersIncreaseWithinARunAndAcrossARestartOfTheCollector() throws Exception {
        SequenceNumbers firstRun = new SequenceNumbers();
        long last = -1;
        for (int i = 0; i < 100_000; i++) {
            long next = firstRun.next();
            assertThat(next).isGreaterThan(last);
            last = next;
        }
        Thread.sleep(1);
        SequenceNumbers secondRun = new SequenceNumbers();
        assertThat(secondRun.next()).as("a restarted collector starts above every number issued before").isGreaterThan(last);
    }

    @Test
    void theNumbersStayBelowTheMonotonicClockTheyStartedFrom() {
        SequenceNumbers run = new SequenceNumbers();
        long issued = 0;
        for (int i = 0; i < 1_000_000; i++) {
            issued = run.next();
        }
        assertThat(issued).isLessThan(System.nanoTime());
    }
}
