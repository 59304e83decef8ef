package io.tapwire.streams.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store for values that change with nearly every record (a socket's parser state): between two commits
 * they stay objects in memory, and only their value at the commit is encoded and written to the persistent,
 * changelogged store beneath. Kafka Streams' own record cache keeps bytes, so every read decodes and every write
 * encodes; here a busy key is decoded once after a commit and encoded once at the next.
 *
 * <p>The processor must put back what it changed: a value it mutates and does not put is not written, yet the next
 * read of its key before the commit returns the mutated object. Scans ({@link #all}, {@link #range},
 * {@link #prefixScan}) write the pending changes first and read the store beneath, so a store scanned with every
 * record gains nothing from this one. The write happens in Kafka Streams'
 * {@link CachedStateStore#flushCache}, which a task calls on every store just before it commits (an internal
 * interface, the one its own record caches use); {@link CachedStateStore#clearCache} and {@link #close} drop what was
 * not written, which the task's input gives again.
 */
public final class CommitTimeStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {

    /** A deletion not yet written. */
    private static final Object DELETED = new Object();

    private final KeyValueStore<K, V> stored;
    /** Values read or changed since the last commit; {@link #DELETED} for a key deleted since. */
    private final Map<K, Object> current = new HashMap<>();
    private final Set<K> changed = new HashSet<>();

    private CommitTimeStore(KeyValueStore<K, V> stored) {
        this.stored = stored;
    }

    /** A builder of the store named {@code name}: RocksDB beneath, changelogged, without Kafka Streams' cache. */
    public static <K, V> StoreBuilder<CommitTimeStore<K, V>> builder(String name, Serde<K> keys, Serde<V> values) {
        return new Builder<>(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values)
                .withCachingDisabled());
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
        flushCache();
        return stored.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        flushCache();
        return stored.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        flushCache();
        return stored.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        flushCache();
        return stored.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        flushCache();
        return stored.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        flushCache();
        return stored.approximateNumEntries();
    }

    /** Before the commit: the values changed since the last one go to the changelogged store. */
    @Override
    @SuppressWarnings("unchecked")
    public void flushCache() {
        for (K key : changed) {
            Object value = current.get(key);
            if (value == DELETED) {
                stored.delete(key);
            } else {
                stored.put(key, (V) value);
            }
        }
        changed.clear();
        current.clear();
    }

    /** The task closes without committing: its input since the last commit is processed again. */
    @Override
    public void clearCache() {
        changed.clear();
        current.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return stored.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        clearCache();
        stored.init(context, root);
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        stored.commit(changelogOffsets);
    }

    @Override
    public boolean managesOffsets() {
        return stored.managesOffsets();
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return stored.committedOffset(partition);
    }

    @Override
    public void close() {
        clearCache();
        stored.close();
    }

    @Override
    public boolean persistent() {
        return stored.persistent();
    }

    @Override
    public boolean isOpen() {
        return stored.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return stored.query(query, positionBound, config);
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return stored.approximateNumUncommittedBytes();
    }

    @Override
    public Position getPosition() {
        return stored.getPosition();
    }

    /** Builds the store beneath as Kafka Streams' own builder does (metered, changelogged) and wraps it. */
    private static final class Builder<K, V> implements StoreBuilder<CommitTimeStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> stored;

        Builder(StoreBuilder<KeyValueStore<K, V>> stored) {
            this.stored = stored;
        }

        @Override
        public StoreBuilder<CommitTimeStore<K, V>> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitTimeStore<K, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitTimeStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            stored.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<CommitTimeStore<K, V>> withLoggingDisabled() {
            stored.withLoggingDisabled();
            return this;
        }

        @Override
        public CommitTimeStore<K, V> build() {
            return new CommitTimeStore<>(stored.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return stored.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return stored.loggingEnabled();
        }

        @Override
        public String name() {
            return stored.name();
        }
    }
}
