package io.tapwire.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoundingTest {

    @Test
    void derivedFiguresKeepFourSignificantDigitsAndPrintShort() {
        assertThat(Rounding.significant(5.0 * 2.5 / 3)).isEqualTo(4.167);
        assertThat(Double.toString(Rounding.significant(11 / 900.0))).isEqualTo("0.01222");
        assertThat(Rounding.significant(1 / 11.0)).isEqualTo(0.09091);
        assertThat(Rounding.significant(945.0)).isEqualTo(945.0);
        assertThat(Rounding.significant(123_456.7)).isEqualTo(123_500.0);
        assertThat(Rounding.significant(-0.000123456)).isEqualTo(-0.0001235);
        assertThat(Rounding.significant(0)).isZero();
        assertThat(Rounding.significant(Double.POSITIVE_INFINITY)).isInfinite();
    }
}
