package io.tapwire.streams.sync;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
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
 * The records an {@link EventTimeSync} holds, in release order, changelogged only as far as they are still held
 * when the task commits.
 *
 * <p>Most records of a busy sync are released soon after they arrive. Writing each one to a changelogged store
 * and deleting it again costs an encoding, a store write and a changelog record each way; this store keeps the
 * records that arrived since the last commit as objects in memory ({@code fresh}) and, just before each commit,
 * writes those still held to a persistent, changelogged store ({@code spilled}) — so a restart restores exactly
 * what waited at the last commit, and a record released before the commit it arrived in costs neither a write nor a
 * changelog record. A source that falls far behind makes the spilled part grow on disk, not in memory: at most one
 * commit interval of records is held as objects.
 *
 * <p>The hook before the commit is Kafka Streams' {@link CachedStateStore#flushCache}, which the task calls on every
 * store before it flushes its producer and commits (an internal interface of Kafka Streams, the one its own record
 * caches use; TopologyReplayIT kills a topology while records are held and checks that the restarted one restores
 * them from the changelog and reaches the results of a replay).
 * {@link CachedStateStore#clearCache} (a task closed without committing) drops the fresh records: their input is
 * processed again.
 *
 * @param <V> the held record, encoded by the {@link Codec} its processor gives in {@link #open}
 */
public final class HeldRecords<V> implements StateStore, CachedStateStore<Bytes, byte[]> {

    /** How a held record becomes bytes in the spilled store, and back. */
    public interface Codec<V> {
        byte[] encode(V value);

        V decode(byte[] bytes);
    }

    private final KeyValueStore<Bytes, byte[]> spilled;
    private final NavigableMap<Bytes, V> fresh = new TreeMap<>();
    private Codec<V> codec;

    private HeldRecords(KeyValueStore<Bytes, byte[]> spilled) {
        this.spilled = spilled;
    }

    /** A builder of the store named {@code name}: persistent (RocksDB), changelogged, never cached. */
    public static StoreBuilder<HeldRecords<Object>> builder(String name) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled());
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
        try (KeyValueIterator<Bytes, byte[]> spilledEntries = spilled.range(from, to)) {
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
        released.forEach(spilled::delete);
    }

    /** Before the commit: what is still held goes to the changelogged store. */
    @Override
    public void flushCache() {
        fresh.forEach((key, value) -> spilled.put(key, codec.encode(value)));
        fresh.clear();
    }

    /** The task closes without committing: what came since the last commit will be read again from its input. */
    @Override
    public void clearCache() {
        fresh.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Bytes, byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return spilled.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        spilled.init(context, root);
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        spilled.commit(changelogOffsets);
    }

    @Override
    public boolean managesOffsets() {
        return spilled.managesOffsets();
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return spilled.committedOffset(partition);
    }

    @Override
    public void close() {
        fresh.clear();
        spilled.close();
    }

    @Override
    public boolean persistent() {
        return spilled.persistent();
    }

    @Override
    public boolean isOpen() {
        return spilled.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return spilled.query(query, positionBound, config);
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return spilled.approximateNumUncommittedBytes();
    }

    @Override
    public Position getPosition() {
        return spilled.getPosition();
    }

    /** Builds the spilled store as Kafka Streams' own builder does (metered, changelogged) and wraps it. */
    private static final class Builder implements StoreBuilder<HeldRecords<Object>> {
        private final StoreBuilder<KeyValueStore<Bytes, byte[]>> spilled;

        Builder(StoreBuilder<KeyValueStore<Bytes, byte[]>> spilled) {
            this.spilled = spilled;
        }

        @Override
        public StoreBuilder<HeldRecords<Object>> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<HeldRecords<Object>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<HeldRecords<Object>> withLoggingEnabled(Map<String, String> config) {
            spilled.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<HeldRecords<Object>> withLoggingDisabled() {
            spilled.withLoggingDisabled();
            return this;
        }

        @Override
        public HeldRecords<Object> build() {
            return new HeldRecords<>(spilled.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return spilled.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return spilled.loggingEnabled();
        }

        @Override
        public String name() {
            return spilled.name();
        }
    }
}
