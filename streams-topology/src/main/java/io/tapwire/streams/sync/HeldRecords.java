package io.tapwire.streams.sync;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.tapwire.streams.store.PendingWritesStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The records an {@link EventTimeSync} holds, in release order, changelogged only as far as they are still held
 * when the task commits.
 *
 * <p>Writing every held record to a changelogged store and deleting it again costs an encoding, a store write, a
 * changelog record, a read back and a tombstone. This store keeps the records that arrived since the last commit as
 * objects in memory ({@code fresh}) and, just before each commit, writes those still held to the persistent,
 * changelogged store beneath (they are then "spilled"): a restart restores exactly what waited at the last commit, a record released
 * before the commit after its arrival (the heartbeat that completes a release, for one) costs no write at all, and
 * one held longer (most are: a sync releases once per heartbeat relay interval of event time, live and in a backlog)
 * is written once, with no cache in between. A source that falls far behind makes the spilled part grow on disk,
 * not in memory: at most one commit interval of records is held as objects.
 *
 * <p>When the writes happen, and what a restart or a task closed without committing does: {@link PendingWritesStore}.
 *
 * @param <V> the held record, encoded by the {@link Codec} its processor gives in {@link #open}
 */
public final class HeldRecords<V> extends PendingWritesStore<Bytes, byte[]> {

    /** How a held record becomes bytes in the spilled store, and back. */
    public interface Codec<V> {
        byte[] encode(V value);

        V decode(byte[] bytes);
    }

    private final NavigableMap<Bytes, V> fresh = new TreeMap<>();
    private Codec<V> codec;

    private HeldRecords(KeyValueStore<Bytes, byte[]> spilled) {
        super(spilled);
    }

    /** A builder of the store named {@code name}: persistent (RocksDB), changelogged, never cached. */
    public static StoreBuilder<HeldRecords<Object>> builder(String name) {
        return PendingWritesStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name),
                Serdes.Bytes(), Serdes.ByteArray()), HeldRecords::new);
    }

    /** Sets how records are encoded when they are spilled; before any other call of the processor. */
    @SuppressWarnings("unchecked")
    public <T> HeldRecords<T> open(Codec<T> codec) {
        HeldRecords<T> typed = (HeldRecords<T>) this;
        typed.codec = codec;
        return typed;
    }

    /** Holds {@code value} under {@code key}; keys are unique and sort in release order. */
    public void hold(Bytes key, V value) {
        fresh.put(key, value);
    }

    /** Passes every held record with a key in [{@code from}, {@code to}] to {@code release}, in key order, and forgets it. */
    public void release(Bytes from, Bytes to, Consumer<V> release) {
        NavigableMap<Bytes, V> freshInRange = fresh.subMap(from, true, to, true);
        Iterator<Map.Entry<Bytes, V>> freshEntries = freshInRange.entrySet().iterator();
        Map.Entry<Bytes, V> nextFresh = freshEntries.hasNext() ? freshEntries.next() : null;
        List<Bytes> released = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> spilledEntries = stored.range(from, to)) {
            while (spilledEntries.hasNext()) {
                KeyValue<Bytes, byte[]> nextSpilled = spilledEntries.next();
                while (nextFresh != null && nextFresh.getKey().compareTo(nextSpilled.key) < 0) {
                    release.accept(nextFresh.getValue());
                    nextFresh = freshEntries.hasNext() ? freshEntries.next() : null;
                }
                release.accept(codec.decode(nextSpilled.value));
                released.add(nextSpilled.key);
            }
        }
        while (nextFresh != null) {
            release.accept(nextFresh.getValue());
            nextFresh = freshEntries.hasNext() ? freshEntries.next() : null;
        }
        freshInRange.clear();
        released.forEach(stored::delete);
    }

    /** What is still held goes to the changelogged store. */
    @Override
    protected void writePending() {
        fresh.forEach((key, value) -> stored.put(key, codec.encode(value)));
        fresh.clear();
    }

    @Override
    protected void dropPending() {
        fresh.clear();
    }
}
