package io.tapwire.streams.registry;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.streams.lifecycle.ProcessChange;
import io.tapwire.streams.sync.EventClock;

/**
 * What the registry publishes to {@code tapwire.processes.v1}, a table of current processes: each process's latest
 * state at most once per interval of event time, and its tombstone at once. A short-lived command's start, exec and
 * exit within one interval are one record where they were three, and a process's tombstone is never followed by a
 * state of it published late. With a zero interval every change is published as it is made.
 *
 * <p>The states waiting for the next interval are in memory: a task that starts again publishes every process of
 * its table once ({@link #waitAll}), those that were waiting when it stopped among them; for a compacted topic's
 * readers that is the same table again.
 */
final class ProcessPublishing {

    private final long intervalMs;
    private final EventClock clock;
    /** In key order, so that a replay publishes them in the same order. */
    private final Map<String, ProcessInfo> waiting = new TreeMap<>();

    ProcessPublishing(Duration interval) {
        this.intervalMs = interval.toMillis();
        this.clock = new EventClock(intervalMs);
    }

    /** A change the registry made: published now if it is a tombstone or the interval is zero, else waits. */
    void changed(ProcessChange change, BiConsumer<String, ProcessInfo> publish) {
        if (change.after() == null || intervalMs == 0) {
            waiting.remove(change.key());
            publish.accept(change.key(), change.after());
        } else {
            waiting.put(change.key(), change.after());
        }
    }

    /** A process of the table as it was when the task started, published at the next interval. */
    void waitAll(String key, ProcessInfo process) {
        if (intervalMs > 0) {
            waiting.put(key, process);
        }
    }

    /** Time as the registry's records say: once an interval has passed, every waiting state is published. */
    void advance(long timestampMs, BiConsumer<String, ProcessInfo> publish) {
        if (clock.advance(timestampMs) && !waiting.isEmpty()) {
            waiting.forEach(publish);
            waiting.clear();
        }
    }
}
