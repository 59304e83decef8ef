package io.tapwire.streams.dedup;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.streams.store.CommitTimeStore;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Drops repeated raw records. Every raw record is named by (node, bootId, seq) — a producer retry repeats the
 * name, a genuine repeat of an event gets a new seq — so a record whose name was already seen is a duplicate. A
 * duplicate has the same key as its original, so it reaches the same partition and the same store.
 *
 * <p>The names seen are kept as bitmaps of {@link SeenBlock#SIZE} consecutive sequence numbers of one node and boot:
 * a busy node's records fill a block within a commit interval, so the store (a {@link CommitTimeStore}) writes a few
 * blocks per commit instead of one entry per record. A block is forgotten once the newest record in it is
 * {@code retention} of event time behind the newest record of the partition; a duplicate of a forgotten name passes
 * (documented trade-off of a bounded store; producer retries come within seconds).
 *
 * <p>Deterministic: whether a record passes depends only on the records before it in its partition (the blocks are
 * forgotten at fixed steps of the partition's event time, not at commits).
 */
public final class RawDeduplication {

    private static final Serde<SeenBlock> BLOCKS = Serdes.serdeFrom(
            (topic, block) -> block == null ? null : block.encode(),
            (topic, bytes) -> bytes == null ? null : SeenBlock.decode(bytes));

    private RawDeduplication() {
    }

    /** Adds the step to {@code raw}, with its store named {@code storeName}. */
    public static <V> KStream<String, V> deduplicate(StreamsBuilder builder, KStream<String, V> raw, String storeName,
                                                     Function<V, RawHeader> header, Duration retention) {
        builder.addStateStore(CommitTimeStore.builder(storeName, Serdes.String(), BLOCKS));
        return raw.processValues(() -> new Deduplicator<>(storeName, header, retention), storeName);
    }

    /** The store key of the block holding a record's name: the same for a producer retry. */
    static String blockKey(RawHeader header) {
        // The boot id (a UUID) and the block number hold no '/', so two different names cannot give one key.
        return header.getNode() + "/" + header.getBootId() + '/' + SeenBlock.blockOf(header.getSeq());
    }

    private static final class Deduplicator<V> implements FixedKeyProcessor<String, V, V> {
        private final String storeName;
        private final Function<V, RawHeader> header;
        private final long retentionMs;
        /** How often (event time) blocks are checked for expiry: a tenth of the retention. */
        private final long sweepEveryMs;
        private FixedKeyProcessorContext<String, V> context;
        private KeyValueStore<String, SeenBlock> blocks;
        /** Every stored block's newest time, read once at start, for the sweeps. */
        private final Map<String, Long> newest = new HashMap<>();
        private long streamTime = Long.MIN_VALUE;

        Deduplicator(String storeName, Function<V, RawHeader> header, Duration retention) {
            this.storeName = storeName;
            this.header = Objects.requireNonNull(header);
            this.retentionMs = retention.toMillis();
            this.sweepEveryMs = Math.max(1, retentionMs / 10);
        }

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
            this.blocks = context.getStateStore(storeName);
            try (KeyValueIterator<String, SeenBlock> stored = blocks.all()) {
                while (stored.hasNext()) {
                    KeyValue<String, SeenBlock> block = stored.next();
                    newest.put(block.key, block.value.newestTime());
                    streamTime = Math.max(streamTime, block.value.newestTime());
                }
            }
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            if (record.value() == null) {
                return;
            }
            RawHeader name = header.apply(record.value());
            long time = record.timestamp();
            advanceStreamTime(time);
            String key = blockKey(name);
            SeenBlock block = blocks.get(key);
            if (block == null) {
                block = SeenBlock.empty();
            }
            boolean first = block.markSeen(name.getSeq(), time);
            blocks.put(key, block);
            newest.put(key, block.newestTime());
            if (first) {
                context.forward(record);
            }
        }

        /** Forgets the expired blocks whenever the partition's event time enters a new sweep step. */
        private void advanceStreamTime(long time) {
            if (time <= streamTime) {
                return;
            }
            boolean newStep = streamTime == Long.MIN_VALUE
                    || Math.floorDiv(time, sweepEveryMs) != Math.floorDiv(streamTime, sweepEveryMs);
            streamTime = time;
            if (!newStep) {
                return;
            }
            long horizon = streamTime - retentionMs;
            for (Iterator<Map.Entry<String, Long>> it = newest.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Long> block = it.next();
                if (block.getValue() < horizon) {
                    blocks.delete(block.getKey());
                    it.remove();
                }
            }
        }
    }
}
