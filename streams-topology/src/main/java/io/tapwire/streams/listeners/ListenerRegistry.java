package io.tapwire.streams.listeners;

import java.util.List;

import io.tapwire.schemas.derived.ListenerInfo;
import io.tapwire.schemas.keys.NodeKey;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.ListenSocket;
import io.tapwire.streams.internal.NamespaceAddresses;
import io.tapwire.streams.internal.NodeFact;
import io.tapwire.streams.internal.SnapshotProcess;
import io.tapwire.streams.internal.SnapshotProgress;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.sync.EventTimeSync;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;

/**
 * Sub-topology 2, the listener registry: inventory snapshots (namespaces and their addresses, listening sockets)
 * and listening sockets opened and closed (LISTEN_OPEN/LISTEN_CLOSE changes of the connection tracker, with
 * their owner's service) → who listens on each {@code ip:port} of each network namespace, keyed
 * {@code cluster/node/netnsInode/address} for the compacted {@code tapwire.listeners.v1} (null: gone). Wildcard
 * listens are expanded with the addresses of their namespace (see {@link ListenerTable}).
 *
 * <p>Both inputs are re-keyed by node, so one task holds all of a node's facts, and applied in one event-time
 * order ({@link EventTimeSync}), so a replay builds the same table whatever the lag between them.
 */
public final class ListenerRegistry {

    public static final String SOCKETS_STORE = "listener-sockets";
    public static final String NAMESPACES_STORE = "listener-namespaces";
    public static final String PROCESSES_STORE = "listener-snapshot-processes";
    public static final String PROGRESS_STORE = "listener-progress";
    public static final String ENTRIES_STORE = "listener-entries";
    static final String SNAPSHOT_FACTS = "listener-snapshot-facts";
    static final String SOCKET_FACTS = "listener-socket-facts";

    private ListenerRegistry() {
    }

    /**
     * Listener changes keyed by listener key (null: gone), with {@link HeartbeatMarker}s that say how far the
     * registry has got (never published).
     *
     * @param upstreamTasks tasks writing to each repartition (the partitions of the raw topics)
     */
    public static KStream<String, ListenerInfo> build(StreamsBuilder builder, KStream<String, NodeInventory> inventory,
                                                      KStream<String, SocketChange> sockets, TopologySerdes serdes,
                                                      int upstreamTasks) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SOCKETS_STORE),
                Serdes.String(), serdes.of(ListenSocket.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NAMESPACES_STORE),
                Serdes.String(), serdes.of(NamespaceAddresses.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROCESSES_STORE),
                Serdes.String(), serdes.of(SnapshotProcess.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROGRESS_STORE),
                Serdes.String(), serdes.of(SnapshotProgress.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENTRIES_STORE),
                Serdes.String(), serdes.of(ListenerInfo.class)));

        Serde<NodeFact> serde = serdes.of(NodeFact.class);
        KStream<String, NodeFact> snapshots = HeartbeatRepartition.repartition(inventory
                .filter((key, snapshot) -> snapshot != null
                        && (snapshot.getHeader().getHeartbeat() || snapshot.getParts() > 0), Named.as("listener-snapshots"))
                .map((key, snapshot) -> snapshot.getHeader().getHeartbeat()
                        ? KeyValue.pair(HeartbeatMarker.KEY, (NodeFact) null)
                        : KeyValue.pair(nodeKey(snapshot.getHeader().getCluster(), snapshot.getHeader().getNode()),
                        NodeFacts.ofSnapshot(snapshot)), Named.as("listener-snapshot-facts")),
                SNAPSHOT_FACTS, serde, fact -> false);
        KStream<String, NodeFact> listens = HeartbeatRepartition.repartition(sockets
                .filter((key, change) -> ConnectionTracker.isHeartbeat(change)
                        || change.getKind() == SocketChangeKind.LISTEN_OPEN
                        || change.getKind() == SocketChangeKind.LISTEN_CLOSE, Named.as("listener-sockets"))
                .map((key, change) -> ConnectionTracker.isHeartbeat(change)
                        ? KeyValue.pair(HeartbeatMarker.KEY, (NodeFact) null)
                        : KeyValue.pair(nodeKey(change.getCluster(), change.getNode()), NodeFacts.ofListen(change)),
                        Named.as("listener-socket-facts")),
                SOCKET_FACTS, serde, fact -> false);
        return EventTimeSync.merge(builder, "listener-registry", upstreamTasks, List.of(
                        EventTimeSync.Channel.repartitioned(SNAPSHOT_FACTS, snapshots, serde, fact -> false),
                        EventTimeSync.Channel.repartitioned(SOCKET_FACTS, listens, serde, fact -> false)))
                .process(ListenerProcessor::new, Named.as("listener-registry"),
                        SOCKETS_STORE, NAMESPACES_STORE, PROCESSES_STORE, PROGRESS_STORE, ENTRIES_STORE);
    }

    private static String nodeKey(String cluster, String node) {
        return new NodeKey(cluster, node).format();
    }

    private static final class ListenerProcessor implements Processor<String, Object, String, ListenerInfo> {
        private ProcessorContext<String, ListenerInfo> context;
        private ListenerTable table;

        @Override
        public void init(ProcessorContext<String, ListenerInfo> context) {
            this.context = context;
            this.table = new ListenerTable(context.getStateStore(SOCKETS_STORE), context.getStateStore(NAMESPACES_STORE),
                    context.getStateStore(PROCESSES_STORE), context.getStateStore(PROGRESS_STORE),
                    context.getStateStore(ENTRIES_STORE));
        }

        @Override
        public void process(Record<String, Object> record) {
            if (record.value() instanceof NodeFact fact) {
                table.apply(fact).forEach(change ->
                        context.forward(new Record<>(change.key, change.value, record.timestamp())));
            } else if (HeartbeatMarker.is(record.key(), record.value())) {
                context.forward(new Record<>(HeartbeatMarker.KEY, null, record.timestamp()));
            }
        }
    }
}
