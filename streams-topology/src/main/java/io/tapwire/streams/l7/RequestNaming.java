package io.tapwire.streams.l7;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.streams.Select;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.ConnectionNames;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.net.Endpoints;
import io.tapwire.streams.registry.ProcessServices;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.Deadlines;
import io.tapwire.streams.sync.EventClock;
import io.tapwire.streams.sync.EventTimeSync;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Phase two of the L7 design, second step: every request of a socket gets the names its connection was decided with
 * by the connection tracking — client service, server service, destination — and whether its side is the one that
 * counts the request once. Requests and TCP metrics so name a connection the same way.
 *
 * <p>Three channels meet in one event-time order ({@link EventTimeSync}), all keyed by connection id: the requests
 * (from the raw L7 topic's own task, {@link PayloadParsing}), the resolver's NAMED change of each socket, and the
 * owners of sockets the resolver leaves out (first seen mid-life, role unknown). A request whose socket has no names
 * yet is held — the resolver may wait up to its pairing window for the other end — and released when they come, or
 * after {@code holdFor} of event time with what the request itself knows (its side's address, the destination); such
 * a request (a UDP socket's, as a DNS client's, or one the tracking never saw) then looks up the process that did the
 * I/O in the process registry ({@link ProcessServices}), whose service names its observed side.
 *
 * <p>Then the resource becomes a low-cardinality label ({@link ResourceLabels}). The outputs are keyed by connection
 * id, in the order released, with heartbeats as {@link HeartbeatMarker}s for the windows downstream.
 */
public final class RequestNaming {

    public static final String NAMES_STORE = "l7-connection-names";
    public static final String HELD_STORE = "l7-held-requests";
    public static final String DEADLINES_STORE = "l7-naming-deadlines";
    static final String SYNC = "l7-naming";
    static final String REQUESTS_CHANNEL = "l7-requests";
    static final String NAMES_CHANNEL = "l7-socket-names";
    static final String OWNERS_CHANNEL = "l7-socket-owners";
    static final String BY_PROCESS = "l7-requests-by-process";
    /** How often, in event time, held requests are checked against their deadline. */
    static final Duration RELEASE_INTERVAL = Duration.ofSeconds(1);
    /** How often, in event time, the names of idle sockets are forgotten. */
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);
    /** Last-seen times are kept to this precision, so a busy socket's names are rewritten once a minute, not per request. */
    static final long LAST_SEEN_PRECISION_MS = 60_000;
    private static final StringSerializer KEYS = new StringSerializer();

    private RequestNaming() {
    }

    /**
     * @param requests      the requests of {@link PayloadParsing}, keyed by connection id, with heartbeats, read by
     *                      the raw L7 topic's own task (so co-partitioned with anything keyed by connection id)
     * @param names         the resolver's NAMED changes keyed by connection id, with heartbeats
     * @param sockets       every socket change with its owner's service (the registry's socket output), with heartbeats
     * @param registryChanges the registry's changes, in its own task
     *                      ({@link io.tapwire.streams.registry.ProcessRegistry.Outputs#processes}), for the requests of
     *                      sockets no names reached
     * @param holdFor       how long (event time) a request waits for its socket's names
     * @param idleTimeout   event time after which the names of a socket nothing was heard of are forgotten
     * @param labels        how resources become labels
     * @param upstreamTasks tasks writing to each repartition (the partitions of the raw topics)
     */
    public static Outputs build(StreamsBuilder builder, KStream<String, L7Request> requests,
                                                   KStream<String, SocketChange> names,
                                                   KStream<String, SocketChange> sockets,
                                                   KStream<String, ProcessInfo> registryChanges, TopologySerdes serdes,
                                                   Duration holdFor, Duration idleTimeout, ResourceLabels labels,
                                                   int upstreamTasks) {
        // Read with every request: objects between commits (CommitTimeStore).
        builder.addStateStore(CommitTimeStore.builder(NAMES_STORE, Serdes.String(), serdes.of(ConnectionNames.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_STORE),
                Serdes.String(), serdes.of(L7Request.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES_STORE),
                Serdes.String(), Serdes.String()));
        labels.addStore(builder);

        KStream<String, SocketChange> owners = sockets
                .filter((key, change) -> ConnectionTracker.isHeartbeat(change)
                        || change.getRole() == SocketRole.UNKNOWN && change.getKind() == SocketChangeKind.OPENED,
                        Named.as("l7-unplaced-sockets"))
                .selectKey((key, change) -> ConnectionTracker.isHeartbeat(change) ? key
                                : ConnectionTracker.connectionId(change),
                        Named.as("l7-unplaced-sockets-by-connection"));
        KStream<String, SocketChange> namesByConnection = names.selectKey(
                (key, change) -> ConnectionTracker.isHeartbeat(change) ? key
                        : ConnectionTracker.connectionId(change),
                Named.as("l7-socket-names-by-connection"));
        KStream<String, Object> named = EventTimeSync.merge(builder, SYNC, upstreamTasks, List.of(
                        // Names first: a socket's names and a request of the same millisecond apply in that order.
                        EventTimeSync.Channel.repartitioned(NAMES_CHANNEL, HeartbeatRepartition.repartition(
                                        namesByConnection, NAMES_CHANNEL, serdes.of(SocketChange.class),
                                        ConnectionTracker::isHeartbeat),
                                serdes.of(SocketChange.class), ConnectionTracker::isHeartbeat),
                        EventTimeSync.Channel.repartitioned(OWNERS_CHANNEL, HeartbeatRepartition.repartition(
                                        owners, OWNERS_CHANNEL, serdes.of(SocketChange.class),
                                        ConnectionTracker::isHeartbeat),
                                serdes.of(SocketChange.class), ConnectionTracker::isHeartbeat),
                        EventTimeSync.Channel.local(REQUESTS_CHANNEL, requests, serdes.of(L7Request.class),
                                request -> false)))
                .process(() -> new Naming(holdFor, idleTimeout, labels), Named.as("l7-request-naming"),
                        NAMES_STORE, HELD_STORE, DEADLINES_STORE, labels.storeName());
        KStream<String, L7Request> withNames = Select.ofType(named, L7Request.class, true, "l7-requests-named");
        // Requests no connection names reached (UDP sockets such as DNS clients', sockets the tracking never saw):
        // their observed side is named by the service of the process that did the I/O.
        KStream<String, L7Request> unnamed = Select.of(named,
                (key, value) -> value instanceof Unnamed || HeartbeatMarker.is(key, value),
                value -> ((Unnamed) value).request(), "l7-requests-unnamed");
        KStream<String, L7Request> byProcess = ProcessServices.attach(builder, unnamed, registryChanges, BY_PROCESS,
                        upstreamTasks, serdes.of(L7Request.class), serdes, RequestNaming::process,
                        request -> false, RequestNaming::namedByProcess)
                .selectKey((key, request) -> request == null ? key : connectionId(request),
                        Named.as("l7-requests-by-process-connection"));
        return new Outputs(withNames, byProcess);
    }

    /**
     * The named requests by the way they were named: with their connection's names, in the naming's order, or by
     * their process's service, in the process lookup's order. Each is in an event-time order of its own, with
     * heartbeats; both are keyed by connection id and read by one task.
     */
    public record Outputs(KStream<String, L7Request> byConnection, KStream<String, L7Request> byProcess) {

        /** Both, as {@code tapwire.l7.requests.v1} publishes them. */
        public KStream<String, L7Request> all() {
            return byConnection.merge(byProcess, Named.as("l7-requests-all"));
        }
    }

    /** A request whose connection's names did not come in time: it waits for its process's service. */
    record Unnamed(L7Request request) {
    }

    /** The process that did the request's I/O. */
    static ProcessKey process(L7Request request) {
        return new ProcessKey(request.getCluster(), request.getNode(), request.getBootId(), request.getPid(),
                request.getProcessStartTicks());
    }

    static String connectionId(L7Request request) {
        return new ConnectionKey(request.getCluster(), request.getNode(), request.getBootId(), request.getSocketInode())
                .format();
    }

    /** The observed side named by its process's service, when the registry knows the process. */
    static L7Request namedByProcess(L7Request request, ProcessInfo process) {
        if (process == null || process.getService().isEmpty()) {
            return request;
        }
        return switch (request.getSide()) {
            case CLIENT -> {
                L7Request named = shallowCopy(request);
                named.setClientService(process.getService());
                yield named;
            }
            case SERVER -> {
                L7Request named = shallowCopy(request);
                named.setServerService(process.getService());
                yield named;
            }
            default -> request;
        };
    }

    /**
     * A new request with the same field values (the same objects: strings, and the maps and lists no step changes).
     * Avro's copying builder copies every field deeply and validates it again, a few percent of the stream thread
     * where every request is named.
     */
    static L7Request shallowCopy(L7Request request) {
        L7Request copy = new L7Request();
        for (int field = 0; field < L7Request.SCHEMA$.getFields().size(); field++) {
            copy.put(field, request.get(field));
        }
        return copy;
    }


    private static final class Naming implements Processor<String, Object, String, Object> {
        private final long holdMs;
        private final long idleMs;
        private final ResourceLabels labels;
        private final EventClock releaseClock = new EventClock(RELEASE_INTERVAL.toMillis());
        private final EventClock expiryClock = new EventClock(EXPIRY_INTERVAL.toMillis());
        private ProcessorContext<String, Object> context;
        private KeyValueStore<String, ConnectionNames> names;
        private KeyValueStore<String, L7Request> held;
        private Deadlines deadlines;
        private ResourceLabels.Labeller labeller;

        Naming(Duration holdFor, Duration idleTimeout, ResourceLabels labels) {
            this.holdMs = holdFor.toMillis();
            this.idleMs = idleTimeout.toMillis();
            this.labels = labels;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.names = context.getStateStore(NAMES_STORE);
            this.held = context.getStateStore(HELD_STORE);
            this.deadlines = new Deadlines(context.getStateStore(DEADLINES_STORE));
            this.labeller = labels.labeller(context.getStateStore(labels.storeName()));
        }

        @Override
        public void process(Record<String, Object> record) {
            boolean release = releaseClock.advance(record.timestamp());
            boolean expire = expiryClock.advance(record.timestamp());
            Object value = record.value();
            if (value == null || value instanceof SocketChange change && ConnectionTracker.isHeartbeat(change)) {
                context.forward(new Record<>(HeartbeatMarker.KEY, null, record.timestamp()));
            } else if (value instanceof SocketChange change) {
                learn(record.key(), change, record.timestamp());
            } else if (value instanceof L7Request request) {
                ConnectionNames known = names.get(record.key());
                if (known != null) {
                    touch(record.key(), known, record.timestamp());
                    emit(record.key(), request, known, endMs(request));
                } else {
                    hold(record.key(), request, record.timestamp());
                }
            }
            if (release) {
                releaseDue(releaseClock.timeMs());
            }
            if (expire) {
                forgetIdle(expiryClock.timeMs());
            }
        }

        /** A socket's names: the resolver's decision, or (for a socket it left out) its owner; the decision wins. */
        private void learn(String id, SocketChange change, long timestampMs) {
            ConnectionNames known = names.get(id);
            ConnectionNames learnt;
            if (change.getKind() == SocketChangeKind.NAMED) {
                learnt = ConnectionNames.newBuilder().setRole(change.getRole())
                        .setClientService(nullToEmpty(change.getClientService()))
                        .setServerService(nullToEmpty(change.getServerService()))
                        .setDestination(nullToEmpty(change.getDestination()))
                        .setCountingSide(change.getRole() == SocketRole.CLIENT || change.getServerView())
                        .setOwnerOnly(false).setLastSeenEpochMs(timestampMs).build();
            } else if (known == null) {
                String owner = change.getOwnerService() == null ? "" : change.getOwnerService();
                learnt = ConnectionNames.newBuilder().setRole(SocketRole.UNKNOWN).setClientService(owner)
                        .setServerService(owner).setDestination("").setCountingSide(true).setOwnerOnly(true)
                        .setLastSeenEpochMs(timestampMs).build();
            } else {
                return;
            }
            names.put(id, learnt);
            releaseHeld(id, learnt);
        }

        private void touch(String id, ConnectionNames known, long timestampMs) {
            if (timestampMs - known.getLastSeenEpochMs() >= LAST_SEEN_PRECISION_MS) {
                known.setLastSeenEpochMs(timestampMs);
                names.put(id, known);
            }
        }

        private void hold(String id, L7Request request, long timestampMs) {
            List<KeyValue<String, L7Request>> waiting = heldOf(id);
            if (waiting.isEmpty()) {
                deadlines.add(Math.max(timestampMs, releaseClock.timeMs()) + holdMs, id);
            }
            held.put(heldKey(id, waiting.size()), request);
        }

        private void releaseHeld(String id, ConnectionNames known) {
            for (KeyValue<String, L7Request> waiting : heldOf(id)) {
                held.delete(waiting.key);
                emit(id, waiting.value, known, endMs(waiting.value));
            }
        }

        /** Requests whose names did not come in time go out with what they know themselves. */
        private void releaseDue(long timeMs) {
            for (Deadlines.Due deadline : deadlines.dueAt(timeMs)) {
                deadlines.remove(deadline.atMs(), deadline.key());
                for (KeyValue<String, L7Request> waiting : heldOf(deadline.key())) {
                    held.delete(waiting.key);
                    emit(deadline.key(), waiting.value, null, endMs(waiting.value));
                }
            }
        }

        private void forgetIdle(long timeMs) {
            List<String> idle = new ArrayList<>();
            try (KeyValueIterator<String, ConnectionNames> all = names.all()) {
                all.forEachRemaining(entry -> {
                    if (entry.value.getLastSeenEpochMs() < timeMs - idleMs) {
                        idle.add(entry.key);
                    }
                });
            }
            idle.forEach(names::delete);
        }

        private void emit(String id, L7Request request, ConnectionNames known, long timestampMs) {
            L7Request named = named(request, known);
            named.setResource(labeller.label(named.getServerService(), named.getProtocol(), named.getResource()));
            boolean ownerKnown = known != null;
            context.forward(new Record<>(id, ownerKnown ? named : new Unnamed(named), timestampMs));
        }

        private List<KeyValue<String, L7Request>> heldOf(String id) {
            List<KeyValue<String, L7Request>> found = new ArrayList<>();
            try (KeyValueIterator<String, L7Request> it = held.prefixScan(id + '|', KEYS)) {
                it.forEachRemaining(found::add);
            }
            return found;
        }
    }

    /**
     * The request with its connection's names. Without them (none came in time, or only the socket's owner is
     * known) the ends are named as the TCP metrics name an unobserved end: the observed side by its owner's service,
     * else its address (a client) or the destination (a server); the other end by the destination (a server) or its
     * address (a client). Such a side counts: nobody else speaks for the request.
     */
    static L7Request named(L7Request request, ConnectionNames known) {
        L7Request named = shallowCopy(request);
        ObservedSide side = request.getSide();
        if (known != null && side == ObservedSide.UNKNOWN && known.getRole() != SocketRole.UNKNOWN) {
            side = known.getRole() == SocketRole.CLIENT ? ObservedSide.CLIENT : ObservedSide.SERVER;
        }
        named.setSide(side);
        if (known != null && !known.getOwnerOnly()) {
            named.setClientService(known.getClientService());
            named.setServerService(known.getServerService());
            named.setDestination(known.getDestination());
            named.setCountingSide(known.getCountingSide());
            return named;
        }
        String owner = known == null ? null : known.getClientService();
        String destination = request.getDestination();
        switch (side) {
            case CLIENT -> {
                named.setClientService(owner != null ? owner : Endpoints.normalize(request.getLocalAddress()));
                named.setServerService(destination);
                named.setCountingSide(true);
            }
            case SERVER -> {
                named.setClientService(Endpoints.normalize(request.getRemoteAddress()));
                named.setServerService(owner != null ? owner : destination);
                named.setCountingSide(true);
            }
            default -> {
                named.setClientService("");
                named.setServerService("");
                named.setCountingSide(false);
            }
        }
        return named;
    }

    /** A request's time: its last response byte, as the window it counts in. */
    static long endMs(L7Request request) {
        return Math.floorDiv(request.getStartEpochNs() + request.getDurationNs(), 1_000_000L);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String heldKey(String id, int index) {
        return String.format("%s|%08d", id, index);
    }
}
