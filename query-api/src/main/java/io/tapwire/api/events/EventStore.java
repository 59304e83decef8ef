package io.tapwire.api.events;

import java.time.Duration;

import io.tapwire.api.read.RecentStore;

/** The events of the last {@code retention} of event time, at most {@code maxCount} of them. */
public final class EventStore extends RecentStore<ServiceEventRecord> {

    public EventStore(Duration retention, int maxCount) {
        super(retention, maxCount, ServiceEventRecord::timeNs);
    }
}
