package io.tapwire.streams.window;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Partials added up in a task and sent on together, once per update interval of event time: the metrics' windows
 * ({@link PartialAggregator}) and the service graph's edges. The partials are in a store (a
 * {@link io.tapwire.streams.store.CommitTimeStore}: objects between commits), so a restart sends what the last
 * commit held; the keys not yet sent are listed in the order they were opened, which is the order they are sent in.
 *
 * @param <P> a partial (a mutable record, changed in place and put back)
 */
public final class PendingPartials<P> {

    private final KeyValueStore<String, P> store;
    private final long intervalMs;
    private final List<String> pending = new ArrayList<>();

    /** Reads back the partials {@code store} holds: they are pending. */
    public PendingPartials(KeyValueStore<String, P> store, long intervalMs) {
        this.store = store;
        this.intervalMs = intervalMs;
        try (KeyValueIterator<String, P> it = store.all()) {
            it.forEachRemaining(entry -> pending.add(entry.key));
        }
    }

    /** The keys not yet sent, in the order they were opened. */
    public List<String> keys() {
        return Collections.unmodifiableList(pending);
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * Whether time moving from {@code fromMs} to {@code toMs} enters a new update interval (aligned to the epoch).
     * Never from {@link Long#MIN_VALUE}, time not yet known: partials read back at a restart wait for the first
     * interval's end.
     */
    public boolean entersNewInterval(long fromMs, long toMs) {
        return fromMs != Long.MIN_VALUE && Math.floorDiv(toMs, intervalMs) != Math.floorDiv(fromMs, intervalMs);
    }

    /** The partial under {@code key}, or null when none is open. */
    public P get(String key) {
        return store.get(key);
    }

    /** Opens {@code partial} under {@code key}, which had none: it is pending from now on. */
    public void open(String key, P partial) {
        pending.add(key);
        store.put(key, partial);
    }

    /** Keeps {@code partial}, changed, under its key. */
    public void put(String key, P partial) {
        store.put(key, partial);
    }

    /** Hands every pending partial to {@code send}, in the order opened, and forgets them: then none is pending. */
    public void sendAll(BiConsumer<String, P> send) {
        List<KeyValue<String, P>> sent = new ArrayList<>(pending.size());
        for (String key : pending) {
            sent.add(KeyValue.pair(key, store.get(key)));
            store.delete(key);
        }
        pending.clear();
        for (KeyValue<String, P> partial : sent) {
            send.accept(partial.key, partial.value);
        }
    }
}
