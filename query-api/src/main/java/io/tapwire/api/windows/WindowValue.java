package io.tapwire.api.windows;

/**
 * The figures of one event-time window of one series, immutable.
 *
 * @param <V> the implementing type
 */
public interface WindowValue<V extends WindowValue<V>> {

    /**
     * This window's figures followed by those of a later window of the same series: what a longer window covering
     * both would show (counts add up; a gauge takes the later window's value).
     */
    V followedBy(V later);
}
