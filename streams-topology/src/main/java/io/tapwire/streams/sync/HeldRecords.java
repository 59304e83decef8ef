package io.tapwire.streams.sync;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The records an {@link EventTimeSync} holds, in release order, changelogged in a few segments per commit.
 *
 * <p>A sync holds nearly every record across a commit or more (it releases once per heartbeat relay interval of event
 * time, live and in a backlog), so what it holds must survive a restart. Writing each held record to a store and
 * deleting it at its release cost a store write, a changelog record and a tombstone per record, and a read back and a
 * decoding at the release. Here the records held are objects in memory; just before each commit those that arrived
 * since the last one and are still held are encoded together in <em>segments</em> of up to
 * {@link #SEGMENT_BYTES}, each one store write and one changelog record, and a segment is deleted at the first commit after its last record was released. A record
 * released before the commit after its arrival (the heartbeat that completes a release, for one) is never written.
 * What was released is marked by the highest key released ({@link #RELEASED_KEY}, written at a commit when a stored
 * segment lost some but not all of its records): a restart reads the segments back and skips the records at or below
 * that mark.
 *
 * <p>Memory is bounded: at most {@code residentRecords} held records are kept as objects after a commit; beyond that
 * the newest segments are dropped from memory and read back from the store when a release reaches their first key (a
 * source far behind the others makes the store grow, not the heap). Only {@link #writePending} writes to the store,
 * so after a task closed without committing ({@link #dropPending}) the store holds exactly what the last commit left,
 * and everything is read back from it before the next record.
 *
 * <p>Release ranges must move forward: a record is never held under a key at or below one already released (the sync
 * guarantees it: a record's key starts with its effective time, after what was released).
 *
 * @param <V> the held record, encoded by the {@link Codec} its processor gives in {@link #open}
 */
public final class HeldRecords<V> extends PendingWritesStore<Bytes, byte[]> {

    /** How a held record becomes bytes in a segment, and back. */
    public interface Codec<V> {
        byte[] encode(V value);

        V decode(byte[] bytes);
    }

    /**
     * The application config ({@code tapwire.streams.sync-resident-records}) that bounds the held records kept as
     * objects after a commit, per store (a sync's task); {@link #DEFAULT_RESIDENT_RECORDS} without it. A second of
     * event time at 10k raw events per second of one partition fits, which is what a sync holds when it keeps up.
     */
    public static final String RESIDENT_RECORDS_CONFIG = "tapwire.sync.resident.records";
    public static final int DEFAULT_RESIDENT_RECORDS = 10_000;

    /** The store key of the highest key released; segment keys are one byte longer than it. */
    static final Bytes RELEASED_KEY = Bytes.wrap(new byte[] {0});
    /** The most bytes of records in one segment (unless one record is more): well below a producer request's 1 MiB. */
    static final int SEGMENT_BYTES = 256 * 1024;
    private static final byte SEGMENT_PREFIX = 1;

    /** A held record: its value (null while its segment is not resident) and its segment (-1 until written). */
    private static final class Entry<V> {
        final V value;
        long segment = -1;

        Entry(V value) {
            this.value = value;
        }
    }

    /** A written segment: how many of its records are still held, its lowest key, and whether they are in memory. */
    private static final class Segment {
        int remaining;
        final Bytes firstKey;
        /** The keys of its records while resident; null once dropped from memory. */
        List<Bytes> keys;

        /** A resident segment of the records under {@code keys} (at least one). */
        Segment(List<Bytes> keys) {
            this.remaining = keys.size();
            this.firstKey = keys.stream().min(Bytes::compareTo).orElseThrow();
            this.keys = keys;
        }
    }

    private int residentRecords;
    /** The held records in memory, by key: every record held since the last commit, and the resident segments'. */
    private final NavigableMap<Bytes, Entry<V>> held = new TreeMap<>();
    /** The keys held since the last commit (some may be released already). */
    private final List<Bytes> fresh = new ArrayList<>();
    /** The segments in the store with records still held, by id (ids increase with each commit). */
    private final NavigableMap<Long, Segment> segments = new TreeMap<>();
    /** Segments whose records were all released since the last commit: deleted at the next. */
    private final List<Long> emptied = new ArrayList<>();
    private Bytes releasedUpTo;
    /** Whether a written segment lost some, not all, of its records since the release mark was last written. */
    private boolean partlyReleased;
    private long nextSegment;
    /** Whether the memory reflects the store; false after a start or a task closed without committing. */
    private boolean loaded;
    private Codec<V> codec;

    private HeldRecords(KeyValueStore<Bytes, byte[]> stored, int residentRecords) {
        super(stored);
        this.residentRecords = residentRecords;
    }

    /**
     * A builder of the store named {@code name}: persistent (RocksDB), changelogged, never cached; its memory bound
     * is read from the application's configs when it opens ({@link #RESIDENT_RECORDS_CONFIG}).
     */
    public static StoreBuilder<HeldRecords<Object>> builder(String name) {
        return PendingWritesStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name),
                Serdes.Bytes(), Serdes.ByteArray()), stored -> new HeldRecords<>(stored, DEFAULT_RESIDENT_RECORDS));
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        Object configured = context.appConfigs().get(RESIDENT_RECORDS_CONFIG);
        if (configured != null) {
            residentRecords = Integer.parseInt(configured.toString());
        }
        super.init(context, root);
    }

    /** Over {@code stored} as it is (a test's store). */
    static HeldRecords<Object> over(KeyValueStore<Bytes, byte[]> stored, int residentRecords) {
        return new HeldRecords<>(stored, residentRecords);
    }

    /** Sets how records are encoded in segments; before any other call of the processor. */
    @SuppressWarnings("unchecked")
    public <T> HeldRecords<T> open(Codec<T> codec) {
        HeldRecords<T> typed = (HeldRecords<T>) this;
        typed.codec = codec;
        return typed;
    }

    /** Holds {@code value} under {@code key}; keys are unique and sort in release order. */
    public void hold(Bytes key, V value) {
        load();
        held.put(key, new Entry<>(value));
        fresh.add(key);
    }

    /** Passes every held record with a key in [{@code from}, {@code to}] to {@code release}, in key order, and forgets it. */
    public void release(Bytes from, Bytes to, Consumer<V> release) {
        load();
        for (Map.Entry<Long, Segment> segment : segments.entrySet()) {
            if (segment.getValue().keys == null && segment.getValue().firstKey.compareTo(to) <= 0) {
                readBack(segment.getKey(), segment.getValue());
            }
        }
        NavigableMap<Bytes, Entry<V>> inRange = held.subMap(from, true, to, true);
        for (Entry<V> entry : inRange.values()) {
            release.accept(entry.value);
            if (entry.segment >= 0) {
                Segment segment = segments.get(entry.segment);
                if (--segment.remaining == 0) {
                    segments.remove(entry.segment);
                    emptied.add(entry.segment);
                } else {
                    partlyReleased = true;
                }
            }
        }
        inRange.clear();
        if (releasedUpTo == null || to.compareTo(releasedUpTo) > 0) {
            releasedUpTo = to;
        }
    }

    /**
     * What arrived since the last commit and is still held becomes segments of at most {@link #SEGMENT_BYTES} (a
     * changelog record must stay under the producer's request size); emptied segments are deleted; the release mark
     * moves; then the newest segments leave memory while more than the resident bound are held there.
     */
    @Override
    protected void writePending() {
        if (!loaded) {
            return;
        }
        SegmentWriter segment = new SegmentWriter();
        for (Bytes key : fresh) {
            Entry<V> entry = held.get(key);
            if (entry == null) {
                continue;
            }
            byte[] value = codec.encode(entry.value);
            if (segment.size() > 0 && segment.size() + 8 + key.get().length + value.length > SEGMENT_BYTES) {
                segment.write();
                segment = new SegmentWriter();
            }
            segment.add(key, value);
            entry.segment = nextSegment;
        }
        segment.write();
        fresh.clear();
        emptied.forEach(id -> stored.delete(segmentKey(id)));
        emptied.clear();
        // The mark only tells a restart which records of a segment still stored were released. A segment whose
        // records were all released is deleted instead, and one written since holds only records above any release:
        // so the mark is written only when a stored segment lost some of its records, not with every release (a
        // changelog record per sync and commit, and its partition in every transaction, even with nothing held).
        if (partlyReleased) {
            stored.put(RELEASED_KEY, releasedUpTo.get());
            partlyReleased = false;
        }
        keepResidentBound();
    }

    /** The records of the next segment ({@link #nextSegment}) as they are added, then written. */
    private final class SegmentWriter {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);
        private final List<Bytes> keys = new ArrayList<>();

        int size() {
            return bytes.size();
        }

        void add(Bytes key, byte[] value) {
            try {
                out.writeInt(key.get().length);
                out.write(key.get());
                out.writeInt(value.length);
                out.write(value);
            } catch (IOException impossible) {
                throw new UncheckedIOException(impossible);
            }
            keys.add(key);
        }

        void write() {
            if (keys.isEmpty()) {
                return;
            }
            stored.put(segmentKey(nextSegment), bytes.toByteArray());
            segments.put(nextSegment, new Segment(keys));
            nextSegment++;
        }
    }

    @Override
    protected void dropPending() {
        held.clear();
        fresh.clear();
        segments.clear();
        emptied.clear();
        releasedUpTo = null;
        partlyReleased = false;
        nextSegment = 0;
        loaded = false;
    }

    /** Reads the store into memory after a start (after the store is restored, so not in init). */
    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        byte[] mark = stored.get(RELEASED_KEY);
        releasedUpTo = mark == null ? null : Bytes.wrap(mark);
        List<KeyValue<Long, byte[]>> written = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = stored.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> next = all.next();
                if (!next.key.equals(RELEASED_KEY)) {
                    written.add(KeyValue.pair(segmentId(next.key), next.value));
                }
            }
        }
        for (KeyValue<Long, byte[]> segment : written) {
            nextSegment = Math.max(nextSegment, segment.key + 1);
            List<Bytes> keys = intoMemory(segment.key, segment.value);
            if (keys.isEmpty()) {
                emptied.add(segment.key);
            } else {
                segments.put(segment.key, new Segment(keys));
            }
        }
        keepResidentBound();
    }

    /** The newest written segments leave memory while more records than the bound are held there. */
    private void keepResidentBound() {
        for (Iterator<Segment> newestFirst = segments.descendingMap().values().iterator();
             held.size() > residentRecords && newestFirst.hasNext(); ) {
            Segment segment = newestFirst.next();
            if (segment.keys != null) {
                segment.keys.forEach(held::remove);
                segment.keys = null;
            }
        }
    }

    /** Brings a segment's records that are still held back into memory. */
    private void readBack(long id, Segment segment) {
        byte[] value = stored.get(segmentKey(id));
        if (value == null) {
            throw new IllegalStateException("held records' segment " + id + " of " + name() + " is missing");
        }
        segment.keys = intoMemory(id, value);
    }

    /** Decodes the records of the stored segment {@code id} that are still held into memory; returns their keys. */
    private List<Bytes> intoMemory(long id, byte[] segment) {
        List<Bytes> keys = new ArrayList<>();
        for (KeyValue<Bytes, byte[]> record : records(segment)) {
            Entry<V> entry = new Entry<>(codec.decode(record.value));
            entry.segment = id;
            held.put(record.key, entry);
            keys.add(record.key);
        }
        return keys;
    }

    /** A segment's records still held: those above the release mark (a segment is deleted only once it is empty). */
    private List<KeyValue<Bytes, byte[]>> records(byte[] segment) {
        List<KeyValue<Bytes, byte[]>> records = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(segment);
        while (in.hasRemaining()) {
            byte[] key = new byte[in.getInt()];
            in.get(key);
            byte[] value = new byte[in.getInt()];
            in.get(value);
            Bytes wrapped = Bytes.wrap(key);
            if (releasedUpTo == null || wrapped.compareTo(releasedUpTo) > 0) {
                records.add(KeyValue.pair(wrapped, value));
            }
        }
        return records;
    }

    private static Bytes segmentKey(long id) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put(SEGMENT_PREFIX).putLong(id).array());
    }

    private long segmentId(Bytes key) {
        byte[] bytes = key.get();
        if (bytes.length != 1 + Long.BYTES || bytes[0] != SEGMENT_PREFIX) {
            throw new IllegalStateException("store " + name() + " holds a key of " + bytes.length
                    + " bytes that is not a segment of held records (written by another version?)");
        }
        return ByteBuffer.wrap(bytes, 1, Long.BYTES).getLong();
    }
}
