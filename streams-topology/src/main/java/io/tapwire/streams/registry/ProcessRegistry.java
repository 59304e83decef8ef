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
import io.tapwire.streams.TopologySerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Sub-topology 1, the process registry: raw process events and the processes of inventory snapshots → current
 * processes with their service identity, keyed by {@code cluster/node/bootId/pid/startTimeTicks}, for the
 * compacted {@code tapwire.processes.v1}. Snapshot entries are re-keyed by {@code cluster/node/pid}, the raw
 * process topic's key, so that one task owns all the facts of a pid.
 */
public final class ProcessRegistry {

    public static final String PROCESSES_STORE = "process-registry";
    public static final String PIDS_STORE = "process-registry-current-pids";
    /** How often, in stream time, exited processes past their grace period are tombstoned. */
    static final Duration EXPIRY_INTERVAL = Duration.ofSeconds(1);

    private ProcessRegistry() {
    }

    /** The registry's two outputs: process changes by process key, and notable events by service key. */
    public record Outputs(KStream<String, ProcessInfo> processes, KStream<String, ServiceEvent> events) {
    }

    public static Outputs build(StreamsBuilder builder, KStream<String, ProcessEvent> events,
                                                     KStream<String, NodeInventory> inventory, TopologySerdes serdes,
                                                     Duration exitGrace) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROCESSES_STORE),
                Serdes.String(), serdes.of(ProcessInfo.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PIDS_STORE),
                Serdes.String(), Serdes.String()));

        KStream<String, ProcessInfo> snapshots = inventory
                .filter((key, snapshot) -> snapshot != null && !snapshot.getHeader().getHeartbeat())
                .flatMap((key, snapshot) -> snapshotProcesses(snapshot))
                .repartition(Repartitioned.with(Serdes.String(), serdes.of(ProcessInfo.class)).withName("process-snapshots"));

        KStream<String, Object> fromEvents = events.process(() -> new EventProcessor(exitGrace), PROCESSES_STORE, PIDS_STORE);
        KStream<String, Object> fromSnapshots = snapshots.process(() -> new SnapshotProcessor(exitGrace),
                PROCESSES_STORE, PIDS_STORE);
        KStream<String, Object> all = fromEvents.merge(fromSnapshots);
        return new Outputs(
                all.filter((key, value) -> !(value instanceof ServiceEvent)).mapValues(value -> (ProcessInfo) value),
                all.filter((key, value) -> value instanceof ServiceEvent).mapValues(value -> (ServiceEvent) value));
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

    /** Shared by both processors: the table over the task's stores and the forwarding of its emissions. */
    /** Forwards {@link ProcessInfo} changes (null: tombstone) and {@link ServiceEvent}s on one stream, split above. */
    private abstract static class TableProcessor<V> implements Processor<String, V, String, Object> {
        private final Duration exitGrace;
        ProcessorContext<String, Object> context;
        ProcessTable table;

        TableProcessor(Duration exitGrace) {
            this.exitGrace = exitGrace;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
            this.table = new ProcessTable(context.getStateStore(PROCESSES_STORE), context.getStateStore(PIDS_STORE), exitGrace);
        }

        void emit(List<KeyValue<String, ProcessInfo>> changes, long timestamp) {
            changes.forEach(change -> context.forward(new Record<>(change.key, change.value, timestamp)));
        }
    }

    private static final class EventProcessor extends TableProcessor<ProcessEvent> {
        EventProcessor(Duration exitGrace) {
            super(exitGrace);
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            super.init(context);
            // Stream time, never the wall clock: a replay tombstones the same processes at the same points.
            context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, time -> emit(table.expire(time), time));
        }

        @Override
        public void process(Record<String, ProcessEvent> record) {
            if (record.value() == null || record.value().getHeader().getHeartbeat()) {
                return;
            }
            List<KeyValue<String, ProcessInfo>> changes = table.apply(record.value());
            emit(changes, record.timestamp());
            ProcessInfo after = changes.get(changes.size() - 1).value;
            ServiceEvents.of(record.value(), after).ifPresent(event -> context.forward(
                    new Record<>(new ServiceKey(event.getService()).format(), event, record.timestamp())));
        }
    }

    private static final class SnapshotProcessor extends TableProcessor<ProcessInfo> {
        SnapshotProcessor(Duration exitGrace) {
            super(exitGrace);
        }

        @Override
        public void process(Record<String, ProcessInfo> record) {
            if (record.value() != null) {
                emit(table.observe(record.value()), record.timestamp());
            }
        }
    }
}
