package io.tapwire.streams.listeners;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.internal.ListenerCandidate;
import io.tapwire.streams.internal.ListenerCandidates;
import io.tapwire.streams.net.Endpoints;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The listeners indexed the way a client's destination names them ({@link Endpoints#scopedKey}): a loopback
 * address within its node and namespace, any other {@code ip:port} across the cluster. Several listeners may
 * share a key (the same private address on two nodes, SO_REUSEPORT), so a value holds them all and
 * {@link #serviceFor} picks one. A versioned table, so that a connection finds the listeners as of its time.
 */
public final class ListenerIndex {

    public static final String CANDIDATES_STORE = "listener-index-candidates";
    public static final String STORE = "listener-index";
    static final Duration HISTORY = Duration.ofHours(1);

    private ListenerIndex() {
    }

    /** @param listeners the listener registry's output, keyed by listener key, null values for removals */
    public static KTable<String, ListenerCandidates> build(StreamsBuilder builder, KStream<String, ListenerInfo> listeners,
                                                           TopologySerdes serdes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CANDIDATES_STORE),
                Serdes.String(), serdes.of(ListenerCandidates.class)));
        return listeners
                .map((key, info) -> {
                    ListenerKey listener = ListenerKey.parse(key);
                    return KeyValue.pair(Endpoints.scopedKey(listener), ListenerCandidate.newBuilder()
                            .setListenerKey(key).setNode(listener.node()).setNetnsInode(listener.netnsInode())
                            .setPid(info == null ? 0 : info.getPid()).setService(info == null ? "" : info.getService())
                            .setRemoved(info == null).build());
                }, Named.as("listeners-lookup-key"))
                .repartition(Repartitioned.with(Serdes.String(), serdes.of(ListenerCandidate.class))
                        .withName("listeners-by-lookup-key"))
                .processValues(IndexAggregator::new, Named.as("listener-index-aggregate"), CANDIDATES_STORE)
                .toTable(Named.as("listener-index-table"),
                        Materialized.<String, ListenerCandidates>as(Stores.persistentVersionedKeyValueStore(STORE, HISTORY))
                                .withKeySerde(Serdes.String()).withValueSerde(serdes.of(ListenerCandidates.class)));
    }

    /**
     * The service a client on {@code node} in namespace {@code netnsInode} reaches: a listener in its own
     * namespace, else on its own node (a private address such as Docker's bridge repeats on every node), else the
     * first by listener key. Listeners whose process is unknown name nothing. Null when none does.
     */
    public static String serviceFor(ListenerCandidates candidates, String node, long netnsInode) {
        if (candidates == null) {
            return null;
        }
        List<ListenerCandidate> known = candidates.getCandidates().stream().filter(c -> !c.getService().isEmpty()).toList();
        return known.stream().filter(c -> c.getNode().equals(node) && c.getNetnsInode() == netnsInode).findFirst()
                .or(() -> known.stream().filter(c -> c.getNode().equals(node)).findFirst())
                .or(() -> known.stream().findFirst())
                .map(ListenerCandidate::getService).orElse(null);
    }

    private static final class IndexAggregator implements FixedKeyProcessor<String, ListenerCandidate, ListenerCandidates> {
        private FixedKeyProcessorContext<String, ListenerCandidates> context;
        private KeyValueStore<String, ListenerCandidates> store;

        @Override
        public void init(FixedKeyProcessorContext<String, ListenerCandidates> context) {
            this.context = context;
            this.store = context.getStateStore(CANDIDATES_STORE);
        }

        @Override
        public void process(FixedKeyRecord<String, ListenerCandidate> record) {
            ListenerCandidate change = record.value();
            if (change == null) {
                return;
            }
            ListenerCandidates before = store.get(record.key());
            List<ListenerCandidate> after = new ArrayList<>();
            if (before != null) {
                before.getCandidates().stream().filter(c -> !c.getListenerKey().equals(change.getListenerKey())).forEach(after::add);
            }
            if (!change.getRemoved()) {
                after.add(change);
            }
            after.sort(Comparator.comparing(ListenerCandidate::getListenerKey));
            if (before != null && before.getCandidates().equals(after)) {
                return;
            }
            if (after.isEmpty()) {
                store.delete(record.key());
                context.forward(record.withValue(null));
            } else {
                ListenerCandidates value = ListenerCandidates.newBuilder().setCandidates(after).build();
                store.put(record.key(), value);
                context.forward(record.withValue(value));
            }
        }
    }
}
