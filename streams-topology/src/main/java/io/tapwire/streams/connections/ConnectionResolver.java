package io.tapwire.streams.connections;

import java.time.Duration;

import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.EndpointState;
import io.tapwire.streams.internal.ListenerCandidates;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.listeners.ListenerIndex;
import io.tapwire.streams.net.Endpoints;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * Connection tracking, second half: names the two services of every connection.
 *
 * <ol>
 *   <li>By destination: a client's change looks up, as of its time, who listens on the {@code ip:port} it
 *       connected to (within its namespace for a loopback address), in the {@link ListenerIndex}.</li>
 *   <li>By client endpoint (the client's {@code ip:port}, which the accepting end sees as its peer): the two ends
 *       of one connection meet in {@link EndpointPairing}, which decides once per connection who the server is —
 *       the listener, else the accepting end when it was observed (a NAT'd destination such as a Kubernetes
 *       service address has no listener), else an external service named by the destination — and whether the
 *       client was observed at all (if not, the server's end speaks for the connection).</li>
 * </ol>
 *
 * The output is keyed by client endpoint; every change is stamped with client service, destination, server
 * service and whether it is the server's view. Sockets of unknown role (first met mid-life, origin unknown) are
 * left out: which end they are cannot be told.
 */
public final class ConnectionResolver {

    public static final String PAIRING_STORE = "connection-pairing";
    public static final String DEADLINES_STORE = "connection-pairing-deadlines";

    private ConnectionResolver() {
    }

    /**
     * @param changes       connection changes with their owner's service, and heartbeats
     * @param joinGrace     how long (stream time) a change waits for the listener index
     * @param pairingWindow how long (event time) one end waits for the other
     */
    public static KStream<String, SocketChange> build(StreamsBuilder builder, KStream<String, SocketChange> changes,
                                                      KTable<String, ListenerCandidates> listeners, TopologySerdes serdes,
                                                      Duration joinGrace, Duration pairingWindow) {
        Serde<SocketChange> serde = serdes.of(SocketChange.class);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAIRING_STORE),
                Serdes.String(), serdes.of(EndpointState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES_STORE),
                Serdes.String(), Serdes.String()));

        KStream<String, SocketChange> connections = changes.filter((key, change) -> ConnectionTracker.isHeartbeat(change)
                || isConnection(change) && change.getRole() != SocketRole.UNKNOWN, Named.as("connections-known-role"));
        KStream<String, SocketChange> byDestination = HeartbeatRepartition.repartition(
                connections.selectKey((key, change) -> ConnectionTracker.isHeartbeat(change) ? key : destinationKey(change),
                        Named.as("sockets-by-destination-key")),
                "sockets-by-destination", serde, ConnectionTracker::isHeartbeat);
        KStream<String, SocketChange> withListener = byDestination.leftJoin(listeners,
                (change, candidates) -> change.getRole() != SocketRole.CLIENT || candidates == null ? change
                        : SocketChange.newBuilder(change).setListenerService(
                        ListenerIndex.serviceFor(candidates, change.getNode(), change.getNetnsInode())).build(),
                Joined.with(Serdes.String(), serde, serdes.of(ListenerCandidates.class), "sockets-by-destination-join")
                        .withGracePeriod(joinGrace));
        KStream<String, SocketChange> byEndpoint = HeartbeatRepartition.repartition(
                withListener.selectKey((key, change) -> ConnectionTracker.isHeartbeat(change) ? key : clientEndpointKey(change),
                        Named.as("sockets-by-client-endpoint-key")),
                "sockets-by-client-endpoint", serde, ConnectionTracker::isHeartbeat);
        return byEndpoint.process(() -> new EndpointPairing(pairingWindow), Named.as("connection-pairing"),
                PAIRING_STORE, DEADLINES_STORE);
    }

    static boolean isConnection(SocketChange change) {
        return switch (change.getKind()) {
            case OPENED, FAILED, UPDATED, CLOSED -> true;
            default -> false;
        };
    }

    /** Where the client connected to: a client's remote end, a server's local end. */
    static String destinationKey(SocketChange change) {
        return change.getRole() == SocketRole.CLIENT
                ? Endpoints.scopedKey(change.getCluster(), change.getNode(), change.getNetnsInode(),
                        change.getRemoteAddress(), change.getRemotePort())
                : Endpoints.scopedKey(change.getCluster(), change.getNode(), change.getNetnsInode(),
                        change.getLocalAddress(), change.getLocalPort());
    }

    /** The client's own end: a client's local end, a server's remote end. */
    static String clientEndpointKey(SocketChange change) {
        return change.getRole() == SocketRole.CLIENT
                ? Endpoints.scopedKey(change.getCluster(), change.getNode(), change.getNetnsInode(),
                        change.getLocalAddress(), change.getLocalPort())
                : Endpoints.scopedKey(change.getCluster(), change.getNode(), change.getNetnsInode(),
                        change.getRemoteAddress(), change.getRemotePort());
    }

    static boolean ends(SocketChange change) {
        return change.getKind() == SocketChangeKind.CLOSED || change.getKind() == SocketChangeKind.FAILED;
    }
}
