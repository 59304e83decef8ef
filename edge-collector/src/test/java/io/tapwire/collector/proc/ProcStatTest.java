package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void readsPpidAndStartTimeOfAPlainLine() {
        String line = "1234 (nginx) S 1 1234 1234 0 -1 4194624 98 0 0 0 0 0 0 0 20 0 1 0 4321 11264000 300 "
                + "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

        assertThat(ProcStat.parse(line)).contains(new ProcStat(1234, "nginx", 'S', 1, 4321));
    }

    @Test
    void commWithSpacesAndParenthesesIsTakenUpToTheLastParenthesis() {
        String comm = "my (odd) ) S 99 name";
        String line = FakeProcTree.statLine(77, comm, 'R', 5, 123_456);

        assertThat(ProcStat.parse(line)).contains(new ProcStat(77, comm, 'R', 5, 123_456));
    }

    @Test
    void zombieIsRecognised() {
        assertThat(ProcStat.parse(FakeProcTree.statLine(8, "defunct", 'Z', 1, 10)).orElseThrow().zombie()).isTrue();
    }

    @Test
    void malformedLinesGiveNothing() {
        assertThat(ProcStat.parse("")).isEmpty();
        assertThat(ProcStat.parse("12 (cut) S 1 2 3")).isEmpty();
        assertThat(ProcStat.parse("12 no parentheses S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20")).isEmpty();
        assertThat(ProcStat.parse(FakeProcTree.statLine(12, "x", 'S', 1, 5).replace(" 5 9420800", " five 9420800")))
                .isEmpty();
        assertThat(ProcStat.parse("x" + FakeProcTree.statLine(12, "x", 'S', 1, 5))).isEmpty();
    }
}
