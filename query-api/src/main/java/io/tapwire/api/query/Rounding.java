package io.tapwire.api.query;

/**
 * Figures in answers carry the precision they have: a rate or a latency estimated from histogram buckets is not
 * known to 17 digits, and printing them all cost a third of the service map's JSON time and a quarter of its bytes.
 */
public final class Rounding {

    /** Significant digits kept in every derived figure (rates, ratios, percentiles, RTT). */
    public static final int DIGITS = 4;

    /** Powers of ten exact as doubles (up to 10^22). */
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private Rounding() {
    }

    /**
     * {@code value} to {@value #DIGITS} significant digits, as the double nearest to the rounded decimal (so that it
     * prints short); 0, infinities, NaN and values beyond the table's range as they are.
     */
    public static double significant(double value) {
        if (value == 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        int decimals = DIGITS - 1 - (int) Math.floor(Math.log10(Math.abs(value)));
        if (decimals >= POW10.length || -decimals >= POW10.length) {
            return value;
        }
        // Integer operands and one correctly rounded division or multiplication: the nearest double to the decimal.
        return decimals >= 0 ? Math.round(value * POW10[decimals]) / POW10[decimals]
                : Math.round(value / POW10[-decimals]) * POW10[-decimals];
    }
}
