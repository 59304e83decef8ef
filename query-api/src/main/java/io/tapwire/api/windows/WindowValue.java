package io.tapwire.api.windows;

/**
 * The figures of one event-time window of one series, or of a run of its consecutive windows; immutable. Runs are
 * kept as running totals, so that any run is the difference of two of them.
 *
 * @param <V> the implementing type
 */
public interface WindowValue<V extends WindowValue<V>> {

    /**
     * This window's figures followed by those of a later window of the same series: what a longer window covering
     * both would show (counts add up; a gauge takes the later window's value).
     */
    V followedBy(V later);

    /**
     * The figures of the windows of this run that come after {@code prefix}, a shorter run starting with the same
     * window: the inverse of {@link #followedBy} (counts subtract; a gauge keeps this run's value, its latest window's).
     */
    V after(V prefix);
}
