package io.tapwire.streams.sync;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Event times at which something keyed waits to be decided, in a store ordered by time: the keys are zero-padded
 * epoch milliseconds, {@code /}, then the waiting key, so that a scan from the start meets the earliest first and
 * stops at the first one not yet due.
 *
 * <p>Deadlines that their owner's own state also records (a process's exit time, a pairing's decision time) need no
 * changelog: their store is a {@link io.tapwire.streams.store.RebuiltIndex}, and the owner adds every deadline of its
 * state again at each task start. The owner checks a due deadline against its state before acting on it, so an entry
 * the state no longer agrees with is dropped, never acted on.
 */
public final class Deadlines {

    /** One deadline: when, and what waits. */
    public record Due(long atMs, String key) {
    }

    private final KeyValueStore<String, String> store;

    public Deadlines(KeyValueStore<String, String> store) {
        this.store = store;
    }

    public void add(long atMs, String key) {
        store.put(storeKey(atMs, key), key);
    }

    public void remove(long atMs, String key) {
        store.delete(storeKey(atMs, key));
    }

    /** The deadlines at or before {@code timeMs}, earliest first; they stay until removed. */
    public List<Due> dueAt(long timeMs) {
        List<Due> due = new ArrayList<>();
        try (KeyValueIterator<String, String> all = store.all()) {
            while (all.hasNext()) {
                var next = all.next();
                long at = Long.parseLong(next.key.substring(0, next.key.indexOf('/')));
                if (at > timeMs) {
                    break;
                }
                due.add(new Due(at, next.value));
            }
        }
        return due;
    }

    private static String storeKey(long atMs, String key) {
        return String.format("%020d/%s", atMs, key);
    }
}
