package io.tapwire.streams.listeners;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.internal.ListenerCandidate;
import io.tapwire.streams.internal.ListenerCandidates;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.net.Endpoints;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The listeners indexed the way a client's destination names them ({@link Endpoints#scopedKey}): a loopback
 * address within its node and namespace, any other {@code ip:port} across the cluster. Several listeners may
 * share a key (the same private address on two nodes, SO_REUSEPORT), so a value holds them all and
 * {@link #serviceFor} picks one. The index lives whole in every task that looks it up, fed by the listener
 * registry's changes broadcast on {@link #CHANNEL}, in one event-time order with the lookups (see
 * {@link io.tapwire.streams.connections.ConnectionResolver}), so a connection finds the listeners as of its time
 * wherever its own key put it. Listeners change seldom beside connections: a copy per task costs less than a
 * repartition of every connection change by its destination.
 */
public final class ListenerIndex {

    /**
     * Not {@code listeners-by-lookup-key}, the repartition before the broadcast: its records went to one partition
     * each.
     */
    public static final String CHANNEL = "listeners-broadcast";
    public static final String CANDIDATES_STORE = "listener-index-candidates";

    private ListenerIndex() {
    }

    /**
     * The listener registry's output (keyed by listener key, null values for removals, with heartbeat markers) as
     * candidate changes keyed by lookup key, sent to every partition on {@link #CHANNEL}.
     */
    public static KStream<String, ListenerCandidate> changes(KStream<String, ListenerInfo> listeners,
                                                             TopologySerdes serdes) {
        return HeartbeatRepartition.broadcast(listeners.map((key, info) -> {
            if (HeartbeatMarker.is(key, info)) {
                return KeyValue.pair(key, (ListenerCandidate) null);
            }
            ListenerKey listener = ListenerKey.parse(key);
            return KeyValue.pair(Endpoints.scopedKey(listener), ListenerCandidate.newBuilder()
                    .setListenerKey(key).setNode(listener.node()).setNetnsInode(listener.netnsInode())
                    .setPid(info == null ? 0 : info.getPid()).setService(info == null ? "" : info.getService())
                    .setRemoved(info == null).build());
        }, Named.as("listeners-lookup-key")), CHANNEL, serdes.of(ListenerCandidate.class), candidate -> false);
    }

    /** The store of the index, for the processor that applies {@link #changes} and looks them up. */
    public static void addStore(StreamsBuilder builder, TopologySerdes serdes) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CANDIDATES_STORE),
                Serdes.String(), serdes.of(ListenerCandidates.class)));
    }

    /** Applies one change to the candidates of {@code lookupKey}. */
    public static void apply(KeyValueStore<String, ListenerCandidates> store, String lookupKey, ListenerCandidate change) {
        ListenerCandidates before = store.get(lookupKey);
        List<ListenerCandidate> after = new ArrayList<>();
        if (before != null) {
            before.getCandidates().stream().filter(c -> !c.getListenerKey().equals(change.getListenerKey()))
                    .forEach(after::add);
        }
        if (!change.getRemoved()) {
            after.add(change);
        }
        after.sort(Comparator.comparing(ListenerCandidate::getListenerKey));
        if (after.isEmpty()) {
            store.delete(lookupKey);
        } else {
            store.put(lookupKey, ListenerCandidates.newBuilder().setCandidates(after).build());
        }
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
}
