package io.tapwire.streams.connections;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.streams.InternalKeys;
import io.tapwire.streams.internal.ClientEnd;
import io.tapwire.streams.internal.DnsAnswer;
import io.tapwire.streams.internal.EndpointState;
import io.tapwire.streams.internal.ServerEnd;
import io.tapwire.streams.internal.ServerSource;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.net.Endpoints;
import io.tapwire.streams.sync.Deadlines;
import io.tapwire.streams.sync.EventClock;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Pairs the two ends of a connection on their client endpoint and decides, once per connection, its server
 * service; every change of the connection is then stamped the same way, so a connection never moves between
 * series mid-life.
 *
 * <ul>
 *   <li>A client end whose destination has a listener is decided at once (LISTENER). Otherwise it waits, its
 *       changes held, until the accepting end shows up within the pairing window of event time (ACCEPT), or
 *       stream time passes its first change plus the window (EXTERNAL: named by the DNS name its node last
 *       resolved the destination's address to, as {@code name:port}, else the destination {@code ip:port}).</li>
 *   <li>A server end with a client end within the window is the same connection seen twice: the client's view
 *       counts, the server's changes are dropped. Without one by the end of the window the client was not
 *       observed, and the server's changes come out as the server's view, the client named by its address.</li>
 *   <li>A new connection id on the endpoint (the port was reused) decides the connection before at once.</li>
 *   <li>An ended connection is forgotten once its window has passed.</li>
 * </ul>
 * Once a socket's connection is decided, one NAMED change for that socket comes out, keyed by its connection id:
 * the client's socket and a paired server socket carry the client's names (only the client's counts), a server
 * socket whose client was not observed carries its server view (it counts).
 *
 * Waiting is in event time, never the wall clock: what is due is decided through a store of deadlines ordered
 * by time, each time this processor's {@link EventClock} (the latest timestamp of the changes and heartbeats the
 * sync before it released) has moved on by a second. The task's own stream time would run ahead of them, since
 * it also counts records the sync still holds.
 */
final class EndpointPairing implements Processor<String, Object, String, SocketChange> {

    static final Duration DECISION_INTERVAL = Duration.ofSeconds(1);
    /** How often, in event time, DNS names older than their retention are forgotten. */
    static final Duration NAMES_EXPIRY_INTERVAL = Duration.ofMinutes(1);

    private final long windowMs;
    private ProcessorContext<String, SocketChange> context;
    private KeyValueStore<String, EndpointState> states;
    private Deadlines deadlines;
    private final EventClock clock = new EventClock(DECISION_INTERVAL.toMillis());
    /** The addresses DNS answers named, by {@code cluster/node/address}: the latest answer of each. */
    private KeyValueStore<String, DnsAnswer> dnsNames;
    private final EventClock namesClock = new EventClock(NAMES_EXPIRY_INTERVAL.toMillis());
    private final long nameRetentionMs;

    EndpointPairing(Duration pairingWindow, Duration dnsNameRetention) {
        this.windowMs = pairingWindow.toMillis();
        this.nameRetentionMs = dnsNameRetention.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, SocketChange> context) {
        this.context = context;
        this.states = context.getStateStore(ConnectionResolver.PAIRING_STORE);
        this.deadlines = new Deadlines(context.getStateStore(ConnectionResolver.DEADLINES_STORE));
        this.dnsNames = context.getStateStore(ConnectionResolver.DNS_NAMES_STORE);
        // The index of deadlines is in memory: every pairing that waits says until when.
        try (KeyValueIterator<String, EndpointState> all = states.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.getDecideAtEpochMs() != null) {
                    deadlines.add(entry.value.getDecideAtEpochMs(), entry.key);
                }
            });
        }
    }

    @Override
    public void process(Record<String, Object> record) {
        boolean due = clock.advance(record.timestamp());
        if (record.value() instanceof DnsAnswer answer) {
            dnsNames.put(record.key(), answer);
        } else if (record.value() instanceof SocketChange change) {
            if (ConnectionTracker.isHeartbeat(change)) {
                context.forward(record.withValue(change));
            } else {
                pair(record.key(), change);
            }
        }
        if (due) {
            decideDue(clock.timeMs());
        }
        if (namesClock.advance(record.timestamp())) {
            forgetNames(namesClock.timeMs() - nameRetentionMs);
        }
    }

    /**
     * The server service of a client end nobody was seen serving: the DNS name its node last resolved the destination
     * address to ({@code name:port}), else the destination {@code ip:port}.
     */
    private String externalName(ClientEnd client) {
        ConnectionKey id = ConnectionKey.parse(client.getConnectionId());
        String destination = client.getDestination();
        DnsAnswer answer = dnsNames.get(InternalKeys.join(id.cluster(), id.node(),
                Endpoints.normalize(Endpoints.addressOf(destination))));
        return answer == null ? destination
                : answer.getName() + destination.substring(destination.lastIndexOf(':'));
    }

    private void forgetNames(long beforeMs) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, DnsAnswer> all = dnsNames.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.getEpochNs() / 1_000_000L < beforeMs) {
                    old.add(entry.key);
                }
            });
        }
        old.forEach(dnsNames::delete);
    }

    private void pair(String key, SocketChange change) {
        EndpointState state = states.get(key);
        if (state == null) {
            state = EndpointState.newBuilder().build();
        }
        Long before = state.getDecideAtEpochMs();
        if (change.getRole() == SocketRole.CLIENT) {
            onClient(key, state, change);
        } else {
            onServer(key, state, change);
        }
        decide(key, state, clock.timeMs());
        save(key, state, before);
    }

    private void onClient(String key, EndpointState state, SocketChange change) {
        String id = ConnectionTracker.connectionId(change);
        if (state.getClient() != null && !state.getClient().getConnectionId().equals(id)) {
            if (state.getClient().getServerService() == null) {
                resolve(key, state, state.getClient(), externalName(state.getClient()), ServerSource.EXTERNAL);
            }
            state.setClient(null);
            if (state.getServer() != null && !near(state.getServer().getFirstSeenEpochMs(), change.getTimestampMs())) {
                finishServer(key, state.getServer());
                state.setServer(null);
            }
        }
        if (state.getClient() == null) {
            ClientEnd client = ClientEnd.newBuilder().setConnectionId(id).setFirstSeenEpochMs(change.getTimestampMs())
                    .setClientService(change.getOwnerService() == null ? "" : change.getOwnerService())
                    .setDestination(Endpoints.format(change.getRemoteAddress(), change.getRemotePort()))
                    .setPending(new ArrayList<>()).build();
            state.setClient(client);
            ServerEnd server = state.getServer();
            boolean paired = server != null && near(server.getFirstSeenEpochMs(), client.getFirstSeenEpochMs());
            if (paired) {
                server.setClientObserved(true);
                server.setPending(new ArrayList<>());
            }
            if (change.getListenerService() != null) {
                resolve(key, state, client, change.getListenerService(), ServerSource.LISTENER);
            } else if (paired) {
                resolve(key, state, client, server.getServerService(), ServerSource.ACCEPT);
            }
        }
        ClientEnd client = state.getClient();
        if (client.getServerService() != null) {
            emit(key, clientView(change, client));
        } else {
            client.getPending().add(change);
        }
        if (ConnectionResolver.ends(change)) {
            client.setClosed(true);
        }
    }

    private void onServer(String key, EndpointState state, SocketChange change) {
        String id = ConnectionTracker.connectionId(change);
        if (state.getServer() != null && !state.getServer().getConnectionId().equals(id)) {
            finishServer(key, state.getServer());
            state.setServer(null);
            ClientEnd client = state.getClient();
            if (client != null && client.getClosed() && !near(client.getFirstSeenEpochMs(), change.getTimestampMs())) {
                if (client.getServerService() == null) {
                    resolve(key, state, client, externalName(client), ServerSource.EXTERNAL);
                }
                state.setClient(null);
            }
        }
        if (state.getServer() == null) {
            ServerEnd server = ServerEnd.newBuilder().setConnectionId(id).setFirstSeenEpochMs(change.getTimestampMs())
                    .setServerService(change.getOwnerService() == null ? "" : change.getOwnerService())
                    .setPending(new ArrayList<>()).build();
            state.setServer(server);
            ClientEnd client = state.getClient();
            if (client != null && near(client.getFirstSeenEpochMs(), server.getFirstSeenEpochMs())) {
                server.setClientObserved(true);
                if (client.getServerService() == null) {
                    resolve(key, state, client, server.getServerService(), ServerSource.ACCEPT);
                } else {
                    namePairedServer(server, client);
                }
            }
        }
        ServerEnd server = state.getServer();
        if (server.getClientObserved() == null) {
            server.getPending().add(change);
        } else if (!server.getClientObserved()) {
            emit(key, serverView(change, server));
        }
        if (ConnectionResolver.ends(change)) {
            server.setClosed(true);
        }
    }

    /** Decides what waited long enough at {@code streamTimeMs}, and forgets ended connections past their window. */
    private void decide(String key, EndpointState state, long streamTimeMs) {
        ClientEnd client = state.getClient();
        if (client != null && client.getFirstSeenEpochMs() + windowMs <= streamTimeMs) {
            if (client.getServerService() == null) {
                resolve(key, state, client, externalName(client), ServerSource.EXTERNAL);
            }
            if (client.getClosed()) {
                state.setClient(null);
            }
        }
        ServerEnd server = state.getServer();
        if (server != null && server.getFirstSeenEpochMs() + windowMs <= streamTimeMs) {
            finishServer(key, server);
            if (server.getClosed()) {
                state.setServer(null);
            }
        }
    }

    private void decideDue(long streamTimeMs) {
        for (Deadlines.Due due : deadlines.dueAt(streamTimeMs)) {
            EndpointState state = states.get(due.key());
            if (state == null || state.getDecideAtEpochMs() == null || state.getDecideAtEpochMs() != due.atMs()) {
                deadlines.remove(due.atMs(), due.key());   // gone, or no longer due then: the index lags the state
                continue;
            }
            Long before = state.getDecideAtEpochMs();
            decide(due.key(), state, streamTimeMs);
            save(due.key(), state, before);
        }
    }

    /** A server end still waiting: the client was not observed, and its held changes come out as its view. */
    private void finishServer(String key, ServerEnd server) {
        if (server.getClientObserved() == null) {
            server.setClientObserved(false);
            if (!server.getPending().isEmpty() && !server.getNamed()) {
                server.setNamed(true);
                SocketChange view = serverView(server.getPending().get(0), server);
                emitNamed(server.getConnectionId(), server.getFirstSeenEpochMs(), SocketRole.SERVER,
                        view.getClientService(), view.getServerService(), view.getDestination(), ServerSource.ACCEPT, true);
            }
            server.getPending().forEach(change -> emit(key, serverView(change, server)));
            server.setPending(new ArrayList<>());
        }
    }

    private void resolve(String key, EndpointState state, ClientEnd client, String serverService, ServerSource source) {
        client.setServerService(serverService);
        client.setServerSource(source);
        client.getPending().forEach(change -> emit(key, clientView(change, client)));
        client.setPending(new ArrayList<>());
        if (!client.getNamed()) {
            client.setNamed(true);
            emitNamed(client.getConnectionId(), client.getFirstSeenEpochMs(), SocketRole.CLIENT, client.getClientService(),
                    client.getServerService(), client.getDestination(), client.getServerSource(), false);
        }
        if (state.getServer() != null && Boolean.TRUE.equals(state.getServer().getClientObserved())) {
            namePairedServer(state.getServer(), client);
        }
    }

    /** The accepting end of a connection whose client was observed: named as its client, not the counting side. */
    private void namePairedServer(ServerEnd server, ClientEnd client) {
        if (!server.getNamed()) {
            server.setNamed(true);
            emitNamed(server.getConnectionId(), server.getFirstSeenEpochMs(), SocketRole.SERVER, client.getClientService(),
                    client.getServerService(), client.getDestination(), client.getServerSource(), false);
        }
    }

    /**
     * The NAMED change of one socket, keyed by its connection id: the names its connection was decided with, for
     * the L7 requests observed on that socket (see {@link ConnectionResolver.Outputs#names}).
     */
    private void emitNamed(String connectionId, long firstSeenEpochMs, SocketRole role, String clientService,
                           String serverService, String destination, ServerSource source, boolean serverView) {
        ConnectionKey id = ConnectionKey.parse(connectionId);
        SocketChange named = SocketChange.newBuilder().setKind(SocketChangeKind.NAMED)
                .setCluster(id.cluster()).setNode(id.node()).setBootId(id.bootId()).setSocketInode(id.socketInode())
                .setRole(role).setEpochNs(firstSeenEpochMs * 1_000_000L).setTimestampMs(firstSeenEpochMs)
                .setClientService(clientService).setServerService(serverService).setDestination(destination)
                .setServerSource(source).setServerView(serverView).build();
        context.forward(new Record<>(connectionId, named, firstSeenEpochMs));
    }

    private void save(String key, EndpointState state, Long before) {
        Long next = nextDecision(state);
        if (before != null && !before.equals(next)) {
            deadlines.remove(before, key);
        }
        if (state.getClient() == null && state.getServer() == null) {
            if (before != null) {
                deadlines.remove(before, key);
            }
            states.delete(key);
            return;
        }
        state.setDecideAtEpochMs(next);
        if (next != null) {
            deadlines.add(next, key);
        }
        states.put(key, state);
    }

    private Long nextDecision(EndpointState state) {
        Long next = null;
        ClientEnd client = state.getClient();
        if (client != null && (client.getServerService() == null || client.getClosed())) {
            next = client.getFirstSeenEpochMs() + windowMs;
        }
        ServerEnd server = state.getServer();
        if (server != null && (server.getClientObserved() == null || server.getClosed())) {
            long at = server.getFirstSeenEpochMs() + windowMs;
            next = next == null ? at : Math.min(next, at);
        }
        return next;
    }

    private void emit(String key, SocketChange change) {
        context.forward(new Record<>(key, change, change.getTimestampMs()));
    }

    private boolean near(long a, long b) {
        return Math.abs(a - b) <= windowMs;
    }

    private static SocketChange clientView(SocketChange change, ClientEnd client) {
        return SocketChange.newBuilder(change).setClientService(client.getClientService())
                .setServerService(client.getServerService()).setDestination(client.getDestination())
                .setServerSource(client.getServerSource()).setServerView(false).build();
    }

    private static SocketChange serverView(SocketChange change, ServerEnd server) {
        return SocketChange.newBuilder(change).setClientService(Endpoints.normalize(change.getRemoteAddress()))
                .setServerService(server.getServerService())
                .setDestination(Endpoints.format(change.getLocalAddress(), change.getLocalPort()))
                .setServerSource(ServerSource.ACCEPT).setServerView(true).build();
    }
}
