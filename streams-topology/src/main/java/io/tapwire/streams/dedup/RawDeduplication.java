package io.tapwire.streams.dedup;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import io.tapwire.schemas.raw.RawHeader;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops repeated raw records. Every raw record is named by (node, bootId, seq) — a producer retry repeats the
 * name, a genuine repeat of an event gets a new seq — so a record whose name was already seen within the
 * retention (in event time) is a duplicate. A duplicate has the same key as its original, so it reaches the
 * same partition and the same store.
 *
 * <p>Deterministic: whether a record passes depends only on the records before it in its partition.
 */
public final class RawDeduplication {

    private RawDeduplication() {
    }

    /**
     * Adds the step to {@code raw}: a window store named {@code storeName} remembers names for
     * {@code retention} of event time; duplicates further apart than that pass (documented trade-off of a bounded
     * store).
     */
    public static <V> KStream<String, V> deduplicate(StreamsBuilder builder, KStream<String, V> raw, String storeName,
                                                     Function<V, RawHeader> header, Duration retention) {
        StoreBuilder<WindowStore<String, Long>> store = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(storeName, retention.multipliedBy(2), retention, false),
                Serdes.String(), Serdes.Long());
        builder.addStateStore(store);
        return raw.processValues(() -> new Deduplicator<>(storeName, header, retention), storeName);
    }

    /** The name of a raw record: the same for a producer retry, different for any other record. */
    static String recordName(RawHeader header) {
        return header.getNode() + '/' + header.getBootId() + '/' + header.getSeq();
    }

    private static final class Deduplicator<V> implements FixedKeyProcessor<String, V, V> {
        private final String storeName;
        private final Function<V, RawHeader> header;
        private final long retentionMs;
        private FixedKeyProcessorContext<String, V> context;
        private WindowStore<String, Long> seen;

        Deduplicator(String storeName, Function<V, RawHeader> header, Duration retention) {
            this.storeName = storeName;
            this.header = Objects.requireNonNull(header);
            this.retentionMs = retention.toMillis();
        }

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
            this.seen = context.getStateStore(storeName);
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            if (record.value() == null) {
                return;
            }
            String name = recordName(header.apply(record.value()));
            long time = record.timestamp();
            try (WindowStoreIterator<Long> earlier = seen.fetch(name, time - retentionMs, time + retentionMs)) {
                if (earlier.hasNext()) {
                    return;
                }
            }
            seen.put(name, time, time);
            context.forward(record);
        }
    }
}
