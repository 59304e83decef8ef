package io.tapwire.streams.store;

import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store that keeps what changed since the last commit in memory, as objects, and writes it to a persistent,
 * changelogged key-value store ({@code stored}, built by Kafka Streams' own builder: metered, changelogged, never
 * cached) just before each commit. The subclass says what is pending and how it is written.
 *
 * <p>The hook before the commit is Kafka Streams' {@link CachedStateStore#flushCache}, which a task calls on every
 * store before it flushes its producer and commits its transaction, so what it writes is in that transaction. It is
 * an internal interface of Kafka Streams (the one its own record caches use), checked against the pinned version by
 * {@code CommitTimeStoreTest}, {@code EventTimeSyncTest} (the changelog gets what was pending at each commit) and
 * {@code TopologyReplayIT} (a topology killed with records pending restores from the changelog and reaches the
 * results of a replay). {@link CachedStateStore#clearCache} — a task closed without committing — and {@link #close}
 * drop what is pending: the task's input since the last commit is processed again.
 */
public abstract class PendingWritesStore<K, V> implements StateStore, CachedStateStore<K, V> {

    protected final KeyValueStore<K, V> stored;

    protected PendingWritesStore(KeyValueStore<K, V> stored) {
        this.stored = stored;
    }

    /** Writes what is pending to {@link #stored} and forgets it. */
    protected abstract void writePending();

    /** Forgets what is pending without writing it. */
    protected abstract void dropPending();

    @Override
    public void flushCache() {
        writePending();
    }

    @Override
    public void clearCache() {
        dropPending();
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
        dropPending();
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
        dropPending();
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

    /**
     * A builder of {@code S} over the store {@code stored} builds: its name and changelog settings are the inner
     * builder's, so Kafka Streams creates the changelog topic and restores into the inner store.
     */
    public static <K, V, S extends PendingWritesStore<K, V>> StoreBuilder<S> builder(
            StoreBuilder<KeyValueStore<K, V>> stored, Function<KeyValueStore<K, V>, S> wrap) {
        return new Builder<>(stored.withCachingDisabled(), wrap);
    }

    private static final class Builder<K, V, S extends PendingWritesStore<K, V>> implements StoreBuilder<S> {
        private final StoreBuilder<KeyValueStore<K, V>> stored;
        private final Function<KeyValueStore<K, V>, S> wrap;

        Builder(StoreBuilder<KeyValueStore<K, V>> stored, Function<KeyValueStore<K, V>, S> wrap) {
            this.stored = stored;
            this.wrap = wrap;
        }

        /** Never: the pending writes are the cache. */
        @Override
        public StoreBuilder<S> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<S> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<S> withLoggingEnabled(Map<String, String> config) {
            stored.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<S> withLoggingDisabled() {
            stored.withLoggingDisabled();
            return this;
        }

        @Override
        public S build() {
            return wrap.apply(stored.build());
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
