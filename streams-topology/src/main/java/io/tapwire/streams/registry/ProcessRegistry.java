package io.tapwire.streams.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.keys.ServiceKey;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessSnapshot;
import io.tapwire.schemas.raw.RawHeader;
import io.tapwire.streams.Select;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.connections.ConnectionTracker;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.internal.SocketChange;
import io.tapwire.streams.lifecycle.ProcessChange;
import io.tapwire.streams.lifecycle.RestartRule;
import io.tapwire.streams.lifecycle.ServiceLifecycle;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.store.RebuiltIndex;
import io.tapwire.streams.sync.EventClock;
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

/**
 * Sub-topology 1, the process registry: raw process events and the processes of inventory snapshots → current
 * processes with their service identity, keyed by {@code cluster/node/bootId/pid/startTimeTicks}, for the
 * compacted {@code tapwire.processes.v1}. Snapshot entries are re-keyed by {@code cluster/node/pid}, the raw
 * process topic's key, so that one task owns all the facts of a pid, and the two inputs are applied in one
 * event-time order ({@link EventTimeSync}) so that a replay builds the same table whatever the lag between them.
 *
 * <p>The sockets' changes come through the same sync, by the pid of their owner ({@link ProcessServices#byOwnerPid}),
 * and each leaves with its owner's service as the table has it at the change's time: the lookup needs no copy of the
 * table and no topic of the processes. They do not move the registry's clock, so its outputs depend on the process
 * streams alone.
 */
public final class ProcessRegistry {

    public static final String PROCESSES_STORE = "process-registry";
    public static final String PIDS_STORE = "process-registry-current-pids";
    /** The exited processes by the stream time their tombstone is due ({@link io.tapwire.streams.sync.Deadlines}). */
    public static final String EXITS_STORE = "process-registry-exits";
    static final String EVENTS_CHANNEL = "raw-process";
    static final String SNAPSHOTS_CHANNEL = "process-snapshots";
    /**
     * The sockets' changes by their owner's pid. Not {@code sockets-by-process}, the lookup that had a sync of its own
     * before: records left in that topic are keyed by process key, partitioned otherwise.
     */
    static final String SOCKETS_CHANNEL = "sockets-by-owner";
    /** How often, in event time, exited processes past their grace period are tombstoned. */
    static final Duration EXPIRY_INTERVAL = Duration.ofSeconds(1);

    private ProcessRegistry() {
    }

    /**
     * The registry's four outputs: every process change by process key (null: tombstone), with
     * {@link HeartbeatMarker}s that say how far the registry has got, for the lookups downstream; the processes as
     * {@code tapwire.processes.v1} publishes them ({@link ProcessPublishing}: each at most once per publish interval,
     * no markers); notable events by service key, in event-time order per service ({@link ServiceLifecycle}, which
     * also finds the restarts); the sockets' changes with their owner's service, and their heartbeats, in event-time
     * order.
     */
    public record Outputs(KStream<String, ProcessInfo> processes, KStream<String, ProcessInfo> published,
                          KStream<String, ServiceEvent> events, KStream<String, SocketChange> sockets) {
    }

    /** A process state (null: its tombstone) for {@code tapwire.processes.v1}, apart from the changes themselves. */
    private record Published(ProcessInfo process) {
    }

    /**
     * @param sockets       the connection tracker's changes, keyed by connection id, with heartbeats
     * @param restarts      when a new process of a service counts as its restart
     * @param publishInterval the least event time between two publications of one process (zero: every change)
     * @param upstreamTasks tasks writing to each repartition (the partitions of the raw topics)
     */
    public static Outputs build(StreamsBuilder builder, KStream<String, ProcessEvent> events,
                                KStream<String, NodeInventory> inventory, KStream<String, SocketChange> sockets,
                                TopologySerdes serdes, Duration exitGrace, RestartRule restarts,
                                Duration publishInterval, int upstreamTasks) {
        // Read and written with every event of a process: objects between commits (CommitTimeStore).
        builder.addStateStore(CommitTimeStore.builder(PROCESSES_STORE, Serdes.String(), serdes.of(ProcessInfo.class)));
        // The current process of each pid and the exits' deadlines are in the processes' own state (a pid has at most
        // one stored process; an exited one has its exit time): indexed again at every task start.
        builder.addStateStore(RebuiltIndex.builder(PIDS_STORE));
        builder.addStateStore(RebuiltIndex.builder(EXITS_STORE));

        KStream<String, ProcessInfo> snapshots = HeartbeatRepartition.repartition(inventory
                .filter((key, snapshot) -> snapshot != null, Named.as("process-snapshots-present"))
                .flatMap((key, snapshot) -> snapshot.getHeader().getHeartbeat()
                        ? List.of(KeyValue.pair(HeartbeatMarker.KEY, (ProcessInfo) null))
                        : snapshotProcesses(snapshot), Named.as("process-snapshots-entries")),
                SNAPSHOTS_CHANNEL, serdes.of(ProcessInfo.class), process -> false);
        Serde<SocketChange> socketSerde = serdes.of(SocketChange.class);
        KStream<String, SocketChange> socketsByOwner = ProcessServices.byOwnerPid(sockets, SOCKETS_CHANNEL,
                socketSerde, ConnectionTracker::owner, ConnectionTracker::isHeartbeat);
        // The processes' channels first: a process change and a socket's change of the same millisecond apply in
        // that order.
        KStream<String, Object> ordered = EventTimeSync.merge(builder, "process-registry", upstreamTasks, List.of(
                EventTimeSync.Channel.local(EVENTS_CHANNEL, events, serdes.of(ProcessEvent.class),
                        event -> event.getHeader().getHeartbeat()),
                EventTimeSync.Channel.repartitioned(SNAPSHOTS_CHANNEL, snapshots, serdes.of(ProcessInfo.class),
                        process -> false),
                EventTimeSync.Channel.repartitioned(SOCKETS_CHANNEL, socketsByOwner, socketSerde,
                        ConnectionTracker::isHeartbeat)));
        KStream<String, Object> all = ordered.process(() -> new RegistryProcessor(exitGrace, publishInterval),
                Named.as("process-registry"), PROCESSES_STORE, PIDS_STORE, EXITS_STORE);
        KStream<String, Object> own = all.filterNot((key, value) -> value instanceof SocketChange
                || value instanceof Published, Named.as("process-registry-own"));
        return new Outputs(
                Select.of(own, (key, value) -> !(value instanceof ServiceEvent),
                        value -> ((ProcessChange) value).after(), "process-registry-changes"),
                Select.of(all, (key, value) -> value instanceof Published, value -> ((Published) value).process(),
                        "process-registry-published"),
                ServiceLifecycle.build(builder, own, serdes, restarts, upstreamTasks),
                Select.ofType(all, SocketChange.class, false, "process-registry-sockets"));
    }

    private static List<KeyValue<String, ProcessInfo>> snapshotProcesses(NodeInventory snapshot) {
        RawHeader h = snapshot.getHeader();
        List<KeyValue<String, ProcessInfo>> out = new ArrayList<>();
        for (ProcessSnapshot p : snapshot.getProcesses()) {
            ProcessInfo seen = ProcessInfo.newBuilder()
                    .setCluster(h.getCluster()).setNode(h.getNode()).setBootId(h.getBootId())
                    .setPid(p.getPid()).setPpid(p.getPpid()).setStartTimeTicks(p.getStartTimeTicks())
                    .setComm(p.getComm()).setExe(p.getExe()).setCmdline(p.getCmdline())
                    .setCgroupId(p.getCgroupId()).setCgroupPath(p.getCgroupPath()).setNetnsInode(p.getNetnsInode())
                    .setUpdatedAtEpochNs(h.getEpochTimeNs())
                    .build();
            out.add(KeyValue.pair(new NodePidKey(h.getCluster(), h.getNode(), p.getPid()).format(), seen));
        }
        return out;
    }

    /**
     * Raw process events and snapshot entries, in event-time order, → {@link ProcessChange}s and
     * {@link ServiceEvent}s on one stream, split above; every heartbeat of theirs comes out as a
     * {@link HeartbeatMarker}, so that lookups downstream know how far the registry has got; and, apart, the
     * {@link Published} states. The sockets' changes, in their place in that order, come out with their owner's
     * service, their heartbeats as they are.
     */
    private static final class RegistryProcessor implements Processor<String, Object, String, Object> {
        private final Duration exitGrace;
        private final EventClock clock = new EventClock(EXPIRY_INTERVAL.toMillis());
        private final ProcessPublishing publishing;
        private ProcessorContext<String, Object> context;
        private ProcessTable table;

        RegistryProcessor(Duration exitGrace, Duration publishInterval) {
            this.exitGrace = exitGrace;
            this.publishing = new ProcessPublishing(publishInterval);
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.table = new ProcessTable(context.getStateStore(PROCESSES_STORE), context.getStateStore(PIDS_STORE),
                    context.getStateStore(EXITS_STORE), exitGrace);
            table.index(publishing::waitAll);
        }

        @Override
        public void process(Record<String, Object> record) {
            if (record.value() instanceof SocketChange change) {
                context.forward(record.withValue(ConnectionTracker.isHeartbeat(change) ? change
                        : ConnectionTracker.withOwner(change, table.get(ConnectionTracker.owner(change).format()))));
                return;
            }
            // Event time, never the wall clock: a replay tombstones the same processes at the same points.
            if (clock.advance(record.timestamp())) {
                emit(table.expire(clock.timeMs()), clock.timeMs());
            }
            if (record.value() instanceof ProcessEvent event && !event.getHeader().getHeartbeat()) {
                List<ProcessChange> changes = table.apply(event);
                emit(changes, record.timestamp());
                ProcessInfo after = changes.get(changes.size() - 1).after();
                ServiceEvents.of(event, after).ifPresent(serviceEvent -> context.forward(new Record<>(
                        new ServiceKey(serviceEvent.getService()).format(), serviceEvent, record.timestamp())));
            } else if (record.value() instanceof ProcessInfo seen) {
                emit(table.observe(seen), record.timestamp());
            } else {
                context.forward(new Record<>(HeartbeatMarker.KEY, null, record.timestamp()));
            }
            publishing.advance(record.timestamp(), (key, process) -> publish(key, process, record.timestamp()));
        }

        /**
         * Each change whole, for the service membership; the processes' stream takes only what it became; what is
         * published follows {@link ProcessPublishing}.
         */
        private void emit(List<ProcessChange> changes, long timestamp) {
            for (ProcessChange change : changes) {
                context.forward(new Record<>(change.key(), change, timestamp));
                publishing.changed(change, (key, process) -> publish(key, process, timestamp));
            }
        }

        private void publish(String key, ProcessInfo process, long timestamp) {
            context.forward(new Record<>(key, new Published(process), timestamp));
        }
    }
}
