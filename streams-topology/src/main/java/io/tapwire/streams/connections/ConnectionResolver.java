package io.tapwire.streams.connections;

import java.time.Duration;
import java.util.List;

import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.DnsAnswer;
import io.tapwire.streams.internal.EndpointState;
import io.tapwire.streams.internal.ListenerCandidate;
import io.tapwire.streams.internal.ListenerCandidates;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.listeners.ListenerIndex;
import io.tapwire.streams.net.Endpoints;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.store.RebuiltIndex;
import io.tapwire.streams.sync.EventTimeSync;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Connection tracking, second half: names the two services of every connection, in one step by client endpoint
 * (the client's {@code ip:port}, which the accepting end sees as its peer), where the listeners and the DNS answers
 * come too, each whole to every task.
 *
 * <ol>
 *   <li>A client's change looks up, as of its time, who listens on the {@code ip:port} it connected to (within its
 *       namespace for a loopback address), in the {@link ListenerIndex}.</li>
 *   <li>The two ends of one connection meet in {@link EndpointPairing}, which decides once per connection who the
 *       server is —
 *       the listener, else the accepting end when it was observed (a NAT'd destination such as a Kubernetes
 *       service address has no listener), else an external service named by the DNS name the client's node
 *       resolved the destination to, or by the destination — and whether the
 *       client was observed at all (if not, the server's end speaks for the connection).</li>
 * </ol>
 *
 * The connections are keyed by client endpoint; every change is stamped with client service, destination, server
 * service and whether it is the server's view. Sockets of unknown role (first met mid-life, origin unknown) are
 * left out: which end they are cannot be told. Beside them come the names: one NAMED change per observed socket,
 * keyed by its connection id, as soon as its connection is decided — what the L7 requests of that socket are
 * stamped with, so that requests and TCP metrics name a connection the same way.
 */
public final class ConnectionResolver {

    public static final String PAIRING_STORE = "connection-pairing";
    public static final String DEADLINES_STORE = "connection-pairing-deadlines";
    public static final String DNS_NAMES_STORE = "connection-pairing-dns-names";
    static final String DNS_ANSWERS = "dns-answers";
    static final String BY_CLIENT_ENDPOINT = "sockets-by-client-endpoint";

    private ConnectionResolver() {
    }

    /**
     * @param connections every connection change, stamped, keyed by client endpoint, and heartbeats
     * @param names       one NAMED change per socket, keyed by connection id, and heartbeats
     */
    public record Outputs(KStream<String, SocketChange> connections, KStream<String, SocketChange> names) {
    }

    /**
     * @param changes          connection changes with their owner's service, and heartbeats
     * @param listenerChanges  the listener index's changes, to every task ({@link ListenerIndex#changes})
     * @param dnsAnswers       the addresses DNS answers named ({@link io.tapwire.streams.l7.PayloadParsing}), with
     *                         heartbeats: every pairing task gets them all
     * @param pairingWindow    how long (event time) one end waits for the other
     * @param dnsNameRetention how long (event time) a DNS answer names its address
     * @param upstreamTasks    tasks writing to each repartition (the partitions of the raw topics)
     */
    public static Outputs build(StreamsBuilder builder, KStream<String, SocketChange> changes,
                                KStream<String, ListenerCandidate> listenerChanges,
                                KStream<String, DnsAnswer> dnsAnswers, TopologySerdes serdes,
                                Duration pairingWindow, Duration dnsNameRetention, int upstreamTasks) {
        Serde<SocketChange> serde = serdes.of(SocketChange.class);
        // Read and written with every change of a connection: objects between commits (CommitTimeStore), so a
        // connection's changes within one commit write its state once.
        builder.addStateStore(CommitTimeStore.builder(PAIRING_STORE, Serdes.String(), serdes.of(EndpointState.class)));
        // The deadlines are in the pairing's own state (decideAtEpochMs): indexed again at every task start.
        builder.addStateStore(RebuiltIndex.builder(DEADLINES_STORE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DNS_NAMES_STORE),
                Serdes.String(), serdes.of(DnsAnswer.class)));
        ListenerIndex.addStore(builder, serdes);

        KStream<String, SocketChange> connections = changes.filter((key, change) -> ConnectionTracker.isHeartbeat(change)
                || isConnection(change) && change.getRole() != SocketRole.UNKNOWN, Named.as("connections-known-role"));
        KStream<String, SocketChange> byEndpoint = HeartbeatRepartition.repartition(
                connections.selectKey((key, change) -> ConnectionTracker.isHeartbeat(change) ? key : clientEndpointKey(change),
                        Named.as("sockets-by-client-endpoint-key")),
                BY_CLIENT_ENDPOINT, serde, ConnectionTracker::isHeartbeat);
        KStream<String, DnsAnswer> answers = HeartbeatRepartition.broadcast(dnsAnswers, DNS_ANSWERS,
                serdes.of(DnsAnswer.class), answer -> false);
        // The index's and the answers' channels first: a listener change or an answer and a connection's change of
        // the same millisecond apply in that order.
        KStream<String, SocketChange> paired = EventTimeSync.merge(builder, BY_CLIENT_ENDPOINT, upstreamTasks, List.of(
                        EventTimeSync.Channel.repartitioned(ListenerIndex.CHANNEL, listenerChanges,
                                serdes.of(ListenerCandidate.class), candidate -> false),
                        EventTimeSync.Channel.repartitioned(DNS_ANSWERS, answers, serdes.of(DnsAnswer.class),
                                answer -> false),
                        EventTimeSync.Channel.repartitioned(BY_CLIENT_ENDPOINT, byEndpoint, serde,
                                ConnectionTracker::isHeartbeat)))
                .process(DestinationLookup::new, Named.as("sockets-destination-lookup"), ListenerIndex.CANDIDATES_STORE)
                .process(() -> new EndpointPairing(pairingWindow, dnsNameRetention), Named.as("connection-pairing"),
                        PAIRING_STORE, DEADLINES_STORE, DNS_NAMES_STORE);
        return new Outputs(
                paired.filter((key, change) -> change.getKind() != SocketChangeKind.NAMED, Named.as("connections-resolved")),
                paired.filter((key, change) -> ConnectionTracker.isHeartbeat(change) || change.getKind() == SocketChangeKind.NAMED,
                        Named.as("connection-names")));
    }

    /**
     * Applies the listener index's changes and names, for a client's change, who listens where it connected; passes
     * everything else on to the pairing.
     */
    private static final class DestinationLookup implements Processor<String, Object, String, Object> {
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, ListenerCandidates> candidates;

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.candidates = context.getStateStore(ListenerIndex.CANDIDATES_STORE);
        }

        @Override
        public void process(Record<String, Object> record) {
            if (record.value() instanceof ListenerCandidate change) {
                ListenerIndex.apply(candidates, record.key(), change);
            } else if (record.value() instanceof SocketChange change && change.getRole() == SocketRole.CLIENT
                    && !ConnectionTracker.isHeartbeat(change)) {
                context.forward(record.withValue(withListener(change, candidates.get(destinationKey(change)))));
            } else {
                context.forward(record);
            }
        }

        private static SocketChange withListener(SocketChange change, ListenerCandidates listening) {
            String service = ListenerIndex.serviceFor(listening, change.getNode(), change.getNetnsInode());
            return service == null ? change : SocketChange.newBuilder(change).setListenerService(service).build();
        }
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

    /**
     * A connection established, in the resolver's output where each connection counts once: the client's
     * successful connect, or the accept of a server end whose client was not observed.
     */
    public static boolean isConnect(SocketChange change) {
        return change.getSuccessfulConnect() || change.getServerView() && change.getKind() == SocketChangeKind.OPENED
                && change.getOpenedAtEpochNs() != null;
    }

    static boolean ends(SocketChange change) {
        return change.getKind() == SocketChangeKind.CLOSED || change.getKind() == SocketChangeKind.FAILED;
    }
}
