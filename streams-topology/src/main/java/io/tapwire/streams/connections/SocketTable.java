package io.tapwire.streams.connections;

import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.keys.ConnectionKey;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.internal.SocketChangeKind;
import io.tapwire.streams.internal.SocketRole;
import io.tapwire.streams.internal.SocketState;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The sockets of the connections this task owns, by connection id, and the rules that turn raw TCP events into
 * {@link SocketChange}s:
 *
 * <ul>
 *   <li>A connect or an accept opens a connection (on a known id it first closes the one before: socket inodes
 *       are reused). Its opener owns it: a connection accepted by one process and served by another (PostgreSQL's
 *       postmaster and backends) is one connection of the accepting process.</li>
 *   <li>Counters in the raw events are cumulative since the connection started; changes carry deltas. A
 *       retransmit event counts one segment, and a later counter only adds what the events did not count.</li>
 *   <li>A connection first met mid-life (the collector started after it opened) is adopted open, without a
 *       connect; a close without an open is closed without ever having been active. Either way its counters so
 *       far count once, in the window where it is first seen.</li>
 *   <li>Changes of one connection never go back in time: a raw event stamped before the connection's previous
 *       change is stamped with that change's time.</li>
 * </ul>
 */
final class SocketTable {

    private final KeyValueStore<String, SocketState> sockets;

    SocketTable(KeyValueStore<String, SocketState> sockets) {
        this.sockets = sockets;
    }

    /** A change and the timestamp of its record. */
    record Stamped(SocketChange change, long timestampMs) {
    }

    static String connectionId(TcpEvent event) {
        RawHeader h = event.getHeader();
        return new ConnectionKey(h.getCluster(), h.getNode(), h.getBootId(), event.getSocketInode()).format();
    }

    List<Stamped> apply(TcpEvent event, long timestampMs) {
        String id = connectionId(event);
        List<Stamped> out = new ArrayList<>();
        switch (event.getType()) {
            case LISTEN_OPEN -> out.add(stamp(change(event, listener(event), SocketChangeKind.LISTEN_OPEN), timestampMs));
            case LISTEN_CLOSE -> out.add(stamp(change(event, listener(event), SocketChangeKind.LISTEN_CLOSE), timestampMs));
            case CONNECT_OK, ACCEPT -> {
                long time = closeReplaced(id, event, timestampMs, out);
                SocketRole role = event.getType() == TcpEventType.ACCEPT ? SocketRole.SERVER : SocketRole.CLIENT;
                SocketState state = open(event, role, time, event.getHeader().getEpochTimeNs());
                SocketChange.Builder change = change(event, state, SocketChangeKind.OPENED).setActiveDelta(1);
                if (role == SocketRole.CLIENT) {
                    change.setSuccessfulConnect(true).setHandshakeNs(event.getHandshakeNs());
                }
                countersInto(change, state, event);
                sockets.put(id, state);
                out.add(stamp(change, time));
            }
            case CONNECT_FAILED -> {
                long time = closeReplaced(id, event, timestampMs, out);
                SocketState state = open(event, SocketRole.CLIENT, time, event.getHeader().getEpochTimeNs());
                out.add(stamp(change(event, state, SocketChangeKind.FAILED).setFailedConnect(true)
                        .setErrorCode(event.getErrorCode()), time));
            }
            case STATS, RETRANSMIT, CLOSE -> {
                SocketState state = sockets.get(id);
                boolean adopted = state == null;
                if (adopted) {
                    state = open(event, role(event.getRole()), timestampMs, null);
                }
                long time = Math.max(timestampMs, state.getLastTimestampMs());
                state.setLastTimestampMs(time);
                state.setLastEventEpochNs(Math.max(state.getLastEventEpochNs(), event.getHeader().getEpochTimeNs()));
                boolean close = event.getType() == TcpEventType.CLOSE;
                SocketChangeKind kind = close ? SocketChangeKind.CLOSED : adopted ? SocketChangeKind.OPENED : SocketChangeKind.UPDATED;
                SocketChange.Builder change = change(event, state, kind);
                if (close) {
                    change.setActiveDelta(adopted ? 0 : -1).setClosedAtEpochNs(event.getHeader().getEpochTimeNs());
                } else if (adopted) {
                    change.setActiveDelta(1);
                }
                countersInto(change, state, event);
                if (close) {
                    sockets.delete(id);
                } else {
                    sockets.put(id, state);
                }
                out.add(stamp(change, time));
            }
            default -> { }
        }
        return out;
    }

    /**
     * Closes, as expired, the connections nothing was heard of for {@code idleMs} of event time before
     * {@code streamTimeMs} (a close the collector never saw: it was down, or dropped the event).
     */
    List<KeyValue<String, Stamped>> expireIdle(long streamTimeMs, long idleMs) {
        List<KeyValue<String, SocketState>> idle = new ArrayList<>();
        try (KeyValueIterator<String, SocketState> all = sockets.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.getLastEventEpochNs() / 1_000_000L + idleMs <= streamTimeMs) {
                    idle.add(entry);
                }
            });
        }
        List<KeyValue<String, Stamped>> out = new ArrayList<>();
        for (KeyValue<String, SocketState> entry : idle) {
            SocketState state = entry.value;
            ConnectionKey id = ConnectionKey.parse(entry.key);
            // Stamped when the connection went quiet plus the timeout, not when the punctuation ran: replayable.
            long closedAtMs = Math.max(state.getLastEventEpochNs() / 1_000_000L + idleMs, state.getLastTimestampMs());
            SocketChange change = base(id.cluster(), id.node(), id.bootId(), id.socketInode(), state, SocketChangeKind.CLOSED)
                    .setEpochNs(closedAtMs * 1_000_000L).setClosedAtEpochNs(closedAtMs * 1_000_000L)
                    .setActiveDelta(-1).setExpired(true).setTimestampMs(closedAtMs).build();
            sockets.delete(entry.key);
            out.add(KeyValue.pair(entry.key, new Stamped(change, closedAtMs)));
        }
        return out;
    }

    /**
     * A connect or accept on an id still open: the socket inode was reused, so the connection before ended.
     * Returns the timestamp for the new connection's first change: not before the old one's close.
     */
    private long closeReplaced(String id, TcpEvent event, long timestampMs, List<Stamped> out) {
        SocketState before = sockets.get(id);
        if (before == null) {
            return timestampMs;
        }
        sockets.delete(id);
        long time = Math.max(timestampMs, before.getLastTimestampMs());
        out.add(stamp(change(event, before, SocketChangeKind.CLOSED).setActiveDelta(-1)
                .setClosedAtEpochNs(event.getHeader().getEpochTimeNs()), time));
        return time;
    }

    private static SocketState open(TcpEvent event, SocketRole role, long timestampMs, Long openedAtEpochNs) {
        return SocketState.newBuilder()
                .setRole(role)
                .setLocalAddress(event.getTuple().getLocalAddress()).setLocalPort(event.getTuple().getLocalPort())
                .setRemoteAddress(event.getTuple().getRemoteAddress()).setRemotePort(event.getTuple().getRemotePort())
                .setNetnsInode(event.getTask().getNetnsInode())
                .setOwnerPid(event.getTask().getPid()).setOwnerStartTicks(event.getTask().getProcessStartTicks())
                .setOwnerComm(event.getTask().getComm())
                .setOpenedAtEpochNs(openedAtEpochNs)
                .setLastEventEpochNs(event.getHeader().getEpochTimeNs())
                .setLastTimestampMs(timestampMs)
                .build();
    }

    private static SocketState listener(TcpEvent event) {
        return open(event, SocketRole.LISTENER, 0, null);
    }

    /** Turns the event's cumulative counters into deltas against the state, and advances the state. */
    private static void countersInto(SocketChange.Builder change, SocketState state, TcpEvent event) {
        if (event.getBytesSent() != null) {
            change.setBytesSentDelta(Math.max(0, event.getBytesSent() - state.getBytesSent()));
            state.setBytesSent(Math.max(state.getBytesSent(), event.getBytesSent()));
        }
        if (event.getBytesReceived() != null) {
            change.setBytesReceivedDelta(Math.max(0, event.getBytesReceived() - state.getBytesReceived()));
            state.setBytesReceived(Math.max(state.getBytesReceived(), event.getBytesReceived()));
        }
        long retransmits = 0;
        if (event.getType() == TcpEventType.RETRANSMIT) {
            retransmits = 1;
            state.setRetransmits(state.getRetransmits() + 1);
        } else if (event.getRetransmittedSegments() != null) {
            retransmits = Math.max(0, event.getRetransmittedSegments() - state.getRetransmits());
            state.setRetransmits(Math.max(state.getRetransmits(), event.getRetransmittedSegments()));
        }
        change.setRetransmitsDelta(retransmits);
        change.setSrttUs(event.getSrttUs());
    }

    private static SocketChange.Builder change(TcpEvent event, SocketState state, SocketChangeKind kind) {
        RawHeader h = event.getHeader();
        return base(h.getCluster(), h.getNode(), h.getBootId(), event.getSocketInode(), state, kind)
                .setEpochNs(h.getEpochTimeNs());
    }

    static SocketChange.Builder base(String cluster, String node, String bootId, long socketInode, SocketState state,
                                     SocketChangeKind kind) {
        return SocketChange.newBuilder()
                .setKind(kind)
                .setCluster(cluster).setNode(node).setBootId(bootId).setSocketInode(socketInode)
                .setRole(state.getRole())
                .setLocalAddress(state.getLocalAddress()).setLocalPort(state.getLocalPort())
                .setRemoteAddress(state.getRemoteAddress()).setRemotePort(state.getRemotePort())
                .setNetnsInode(state.getNetnsInode())
                .setOwnerPid(state.getOwnerPid()).setOwnerStartTicks(state.getOwnerStartTicks())
                .setOwnerComm(state.getOwnerComm())
                .setOpenedAtEpochNs(state.getOpenedAtEpochNs());
    }

    private static Stamped stamp(SocketChange.Builder change, long timestampMs) {
        return new Stamped(change.setTimestampMs(timestampMs).build(), timestampMs);
    }

    private static SocketRole role(ConnectionRole role) {
        return switch (role) {
            case CLIENT -> SocketRole.CLIENT;
            case SERVER -> SocketRole.SERVER;
            case LISTENER -> SocketRole.LISTENER;
            default -> SocketRole.UNKNOWN;
        };
    }
}
