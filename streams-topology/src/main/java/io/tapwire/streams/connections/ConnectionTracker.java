package io.tapwire.streams.connections;

import java.time.Duration;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketState;
import io.tapwire.streams.registry.ProcessServices;
import io.tapwire.streams.store.CommitTimeStore;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Connection tracking, first half: raw TCP events, on the raw topic's own partitioning (by connection id), → one
 * {@link SocketChange} per event with deltas instead of cumulative counters (see {@link SocketTable}), for the
 * process registry, which attaches the service of the socket's owner in its own task
 * ({@link io.tapwire.streams.registry.ProcessRegistry}). From there, listening sockets go on as
 * LISTEN_OPEN/LISTEN_CLOSE to the listener registry and connections to {@link ConnectionResolver}.
 * Heartbeats come out as HEARTBEAT changes.
 */
public final class ConnectionTracker {

    public static final String STORE = "connection-tracker";
    /** How often, in stream time, connections are checked for the idle timeout. */
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);

    private ConnectionTracker() {
    }

    /**
     * The socket changes, keyed by connection id, without their owner's service yet.
     *
     * @param idleTimeout event time after which a connection nothing was heard of counts as closed
     */
    public static KStream<String, SocketChange> build(StreamsBuilder builder, KStream<String, TcpEvent> tcp,
                                                      TopologySerdes serdes, Duration idleTimeout) {
        // Read and written with every event of a connection: objects between commits (CommitTimeStore).
        builder.addStateStore(CommitTimeStore.builder(STORE, Serdes.String(), serdes.of(SocketState.class)));
        return tcp.process(() -> new Tracker(idleTimeout), Named.as("connection-tracker"), STORE);
    }

    /** The change with the service of its socket's owner, {@code process} as the registry had it (null: unknown). */
    public static SocketChange withOwner(SocketChange change, ProcessInfo process) {
        return SocketChange.newBuilder(change)
                .setOwnerService(ProcessServices.serviceOf(process, change.getOwnerComm())).build();
    }

    public static boolean isHeartbeat(SocketChange change) {
        return change.getKind() == SocketChangeKind.HEARTBEAT;
    }

    /** The connection id of the socket a change is about: {@code cluster/node/bootId/socketInode}. */
    public static String connectionId(SocketChange change) {
        return new ConnectionKey(change.getCluster(), change.getNode(), change.getBootId(), change.getSocketInode()).format();
    }

    /** The process that owns the socket a change is about. */
    public static ProcessKey owner(SocketChange change) {
        return new ProcessKey(change.getCluster(), change.getNode(), change.getBootId(), change.getOwnerPid(),
                change.getOwnerStartTicks());
    }

    private static final class Tracker implements Processor<String, TcpEvent, String, SocketChange> {
        private final long idleMs;
        private ProcessorContext<String, SocketChange> context;
        private SocketTable table;

        Tracker(Duration idleTimeout) {
            this.idleMs = idleTimeout.toMillis();
        }

        @Override
        public void init(ProcessorContext<String, SocketChange> context) {
            this.context = context;
            this.table = new SocketTable(context.getStateStore(STORE));
            // Stream time, never the wall clock: a replay expires the same connections at the same points.
            context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, time -> table.expireIdle(time, idleMs)
                    .forEach(expired -> context.forward(new Record<>(expired.key, expired.value.change(),
                            expired.value.timestampMs()))));
        }

        @Override
        public void process(Record<String, TcpEvent> record) {
            TcpEvent event = record.value();
            if (event == null) {
                return;
            }
            if (event.getHeader().getHeartbeat()) {
                context.forward(record.withValue(heartbeat(event.getHeader(), record.timestamp())));
                return;
            }
            String id = SocketTable.connectionId(event);
            for (SocketTable.Stamped change : table.apply(event, record.timestamp())) {
                context.forward(new Record<>(id, change.change(), change.timestampMs()));
            }
        }
    }

    static SocketChange heartbeat(RawHeader header, long timestampMs) {
        return SocketChange.newBuilder().setKind(SocketChangeKind.HEARTBEAT)
                .setCluster(header.getCluster()).setNode(header.getNode()).setBootId(header.getBootId())
                .setSocketInode(0).setEpochNs(header.getEpochTimeNs()).setTimestampMs(timestampMs).build();
    }
}
