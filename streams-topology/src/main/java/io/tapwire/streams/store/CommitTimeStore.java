package io.tapwire.streams.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A key-value store for values that change with nearly every record (a socket's parser state): between two commits
 * they stay objects in memory, and only their value at the commit is encoded and written to the persistent,
 * changelogged store beneath ({@link PendingWritesStore}). Kafka Streams' own record cache keeps bytes, so every read
 * decodes and every write encodes; here a busy key is decoded once after a commit and encoded once at the next.
 *
 * <p>The processor must put back what it changed: a value it mutates and does not put is not written, yet the next
 * read of its key before the commit returns the mutated object. Scans ({@link #all}, {@link #range},
 * {@link #prefixScan}) write the pending changes first and read the store beneath, so a store scanned with every
 * record gains nothing from this one.
 */
public final class CommitTimeStore<K, V> extends PendingWritesStore<K, V> implements KeyValueStore<K, V> {

    /** A deletion not yet written. */
    private static final Object DELETED = new Object();

    /** Values read or changed since the last commit; {@link #DELETED} for a key deleted since. */
    private final Map<K, Object> current = new HashMap<>();
    private final Set<K> changed = new HashSet<>();

    private CommitTimeStore(KeyValueStore<K, V> stored) {
        super(stored);
    }

    /** A builder of the store named {@code name}: RocksDB beneath, changelogged, without Kafka Streams' cache. */
    public static <K, V> StoreBuilder<CommitTimeStore<K, V>> builder(String name, Serde<K> keys, Serde<V> values) {
        return PendingWritesStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values),
                CommitTimeStore::new);
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(K key) {
        Object value = current.get(key);
        if (value == null) {
            V read = stored.get(key);
            if (read != null) {
                current.put(key, read);
            }
            return read;
        }
        return value == DELETED ? null : (V) value;
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        current.put(key, value);
        changed.add(key);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public V delete(K key) {
        V existing = get(key);
        current.put(key, DELETED);
        changed.add(key);
        return existing;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writePending();
        return stored.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writePending();
        return stored.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writePending();
        return stored.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writePending();
        return stored.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writePending();
        return stored.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        writePending();
        return stored.approximateNumEntries();
    }

    /** The values changed since the last commit go to the changelogged store. */
    @Override
    @SuppressWarnings("unchecked")
    protected void writePending() {
        for (K key : changed) {
            Object value = current.get(key);
            if (value == DELETED) {
                stored.delete(key);
            } else {
                stored.put(key, (V) value);
            }
        }
        dropPending();
    }

    @Override
    protected void dropPending() {
        changed.clear();
        current.clear();
    }
}
