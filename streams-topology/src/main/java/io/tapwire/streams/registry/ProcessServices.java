package io.tapwire.streams.registry;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.keys.NodePidKey;
import io.tapwire.schemas.keys.ProcessKey;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.identity.IdentityRules;
import io.tapwire.streams.identity.ProcessFacts;
import io.tapwire.streams.store.CommitTimeStore;
import io.tapwire.streams.sync.EventTimeSync;
import io.tapwire.streams.sync.HeartbeatMarker;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The service of the process that did something: any raw record names its process by
 * {@code cluster/node/bootId/pid/processStartTicks}, the key of the registry's processes.
 *
 * <p>Every lookup runs in the process registry's own task: the records that look a process up are repartitioned by
 * {@code cluster/node/pid}, the raw process topic's key, onto the partition of the task that owns that pid, and put
 * in one event-time order with the registry's changes ({@link EventTimeSync}). A record finds the process as the
 * registry had it at the record's time, however far behind or ahead the sub-topologies ran; a GlobalKTable, or a
 * stream-table join that trusts the order records happen to arrive in, would answer with whatever had been loaded by
 * then, and a replay would differ from the live run. The sockets' owners are found in the registry's own sync and
 * table ({@link ProcessRegistry}); a lookup that the registry must not wait for (the L7 requests of unnamed sockets,
 * which wait for the sockets' names, which wait for the registry) has a sync of its own, with the registry's changes
 * as a channel read in the same task ({@link #attach}): no process change crosses a topic to reach a lookup.
 */
public final class ProcessServices {

    public static final String STORE = "process-services";
    /** The registry's changes, as a channel of a lookup's own sync ({@link #attach}), in the registry's task. */
    public static final String PROCESSES_CHANNEL = "registry-changes";

    private ProcessServices() {
    }

    /**
     * {@code stream} repartitioned through the topic {@code name} onto the registry's partitioning: by
     * {@code cluster/node/pid} of the process each record names. Heartbeats go to every partition.
     */
    public static <V> KStream<String, V> byOwnerPid(KStream<String, V> stream, String name, Serde<V> serde,
                                                    Function<V, ProcessKey> process, Predicate<V> heartbeat) {
        return HeartbeatRepartition.repartition(
                stream.selectKey((key, value) -> HeartbeatMarker.isHeartbeat(heartbeat, key, value) ? key
                                : nodePidKey(process.apply(value)),
                        Named.as(name + "-key")),
                name, serde, heartbeat);
    }

    static String nodePidKey(ProcessKey process) {
        return new NodePidKey(process.cluster(), process.node(), process.pid()).format();
    }

    /**
     * Attaches to each record of {@code stream} the process {@code process} names (null when the registry does not
     * know it at the record's time), in the registry's task: through the repartition topic {@code name}
     * ({@link #byOwnerPid}) and an event-time sync of its own with the registry's changes, of which it keeps a copy
     * (store {@code name-process-services}) so that it answers as of its records' time even when the registry has run
     * ahead. Heartbeats (the stream's own or {@link HeartbeatMarker}s) pass untouched, and reach every partition.
     *
     * @param registryChanges the registry's process changes with its heartbeat markers, in its own task
     *                        ({@link ProcessRegistry.Outputs#processes})
     * @param upstreamTasks   tasks writing to each repartition (the partitions of the raw topics)
     */
    public static <V> KStream<String, V> attach(StreamsBuilder builder, KStream<String, V> stream,
                                                KStream<String, ProcessInfo> registryChanges, String name,
                                                int upstreamTasks, Serde<V> serde, TopologySerdes serdes,
                                                Function<V, ProcessKey> process, Predicate<V> heartbeat,
                                                BiFunction<V, ProcessInfo, V> joiner) {
        Serde<ProcessInfo> processSerde = serdes.of(ProcessInfo.class);
        String storeName = name + "-" + STORE;
        // Read with every lookup: objects between commits (CommitTimeStore).
        builder.addStateStore(CommitTimeStore.builder(storeName, Serdes.String(), processSerde));
        KStream<String, V> lookups = byOwnerPid(stream, name, serde, process, heartbeat);
        // The table's channel first: a process change and a lookup of the same millisecond apply in that order.
        KStream<String, Object> ordered = EventTimeSync.merge(builder, name, upstreamTasks, List.of(
                EventTimeSync.Channel.local(PROCESSES_CHANNEL, registryChanges, processSerde, change -> false),
                EventTimeSync.Channel.repartitioned(name, lookups, serde, heartbeat)));
        return ordered.process(() -> new Lookup<>(storeName, PROCESSES_CHANNEL, process, heartbeat, joiner),
                Named.as(name + "-lookup"), storeName);
    }

    /** Keeps the registry's processes by process key and answers the lookups, in the order the sync releases them. */
    private static final class Lookup<V> implements Processor<String, Object, String, V> {
        private final String storeName;
        private final String processesChannel;
        private final Function<V, ProcessKey> process;
        private final Predicate<V> heartbeat;
        private final BiFunction<V, ProcessInfo, V> joiner;
        private ProcessorContext<String, V> context;
        private KeyValueStore<String, ProcessInfo> processes;

        Lookup(String storeName, String processesChannel, Function<V, ProcessKey> process, Predicate<V> heartbeat,
               BiFunction<V, ProcessInfo, V> joiner) {
            this.storeName = storeName;
            this.processesChannel = processesChannel;
            this.process = process;
            this.heartbeat = heartbeat;
            this.joiner = joiner;
        }

        @Override
        public void init(ProcessorContext<String, V> context) {
            this.context = context;
            this.processes = context.getStateStore(storeName);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void process(Record<String, Object> record) {
            if (processesChannel.equals(EventTimeSync.channelOf(record.headers()))) {
                if (HeartbeatMarker.is(record.key(), record.value())) {
                    return;
                }
                if (record.value() == null) {
                    processes.delete(record.key());
                } else {
                    processes.put(record.key(), (ProcessInfo) record.value());
                }
                return;
            }
            V value = (V) record.value();
            if (value == null) {
                if (HeartbeatMarker.is(record.key(), null)) {
                    context.forward(record.withValue(null));
                }
                return;
            }
            V joined = heartbeat.test(value) ? value : joiner.apply(value, processes.get(process.apply(value).format()));
            context.forward(new Record<>(record.key(), joined, record.timestamp()));
        }
    }

    /**
     * The service of {@code process}; for a process the registry does not know (it started before the collector
     * and no snapshot listed it yet), the plain-process rule applied to the thread name the event carried.
     */
    public static String serviceOf(ProcessInfo process, String comm) {
        if (process != null && !process.getService().isEmpty()) {
            return process.getService();
        }
        return IdentityRules.identify(ProcessFacts.ofComm(comm)).service();
    }
}
