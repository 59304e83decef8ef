package io.tapwire.api.spans;

import java.time.Duration;

import io.tapwire.api.read.RecentStore;

/** The spans of the last {@code retention} of event time (by start), at most {@code maxCount} of them. */
public final class SpanStore extends RecentStore<Span> {

    public SpanStore(Duration retention, int maxCount) {
        super(retention, maxCount, Span::startNs);
    }
}
