package io.tapwire.streams.registry;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.tapwire.schemas.derived.ProcessInfo;
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
 * <p>The registry's process changes and the records that look them up are repartitioned by that key onto the same
 * partitions and put in one event-time order ({@link EventTimeSync}): a record finds the process as the registry
 * had it at the record's time, however far behind or ahead the registry's sub-topology ran. A GlobalKTable, or a
 * stream-table join that trusts the order records happen to arrive in, would answer with whatever had been
 * loaded by then, and a replay would differ from the live run.
 */
public final class ProcessServices {

    public static final String STORE = "process-services";
    /**
     * The registry's changes by process key: one repartition for every lookup, each of which reads it as a channel of
     * its own event-time sync (so the lookups share a sub-topology, but none waits for another).
     */
    public static final String PROCESSES_CHANNEL = "processes-by-key";

    private ProcessServices() {
    }

    /**
     * The registry's process changes, with its heartbeat markers, repartitioned by process key: what every
     * {@link #attach} reads.
     */
    public static KStream<String, ProcessInfo> byProcessKey(KStream<String, ProcessInfo> processChanges,
                                                            TopologySerdes serdes) {
        return HeartbeatRepartition.repartition(processChanges, PROCESSES_CHANNEL, serdes.of(ProcessInfo.class),
                process -> false);
    }

    /**
     * Attaches to each record of {@code stream} the process named by {@code processKey} (null when the registry
     * does not know it at the record's time), through the repartition topic {@code name} and the registry's changes
     * by process key. Heartbeats (the stream's own or {@link HeartbeatMarker}s) pass untouched, and reach every
     * partition.
     *
     * @param processesByKey the registry's process changes with its heartbeat markers, by process key
     *                       ({@link #byProcessKey})
     * @param upstreamTasks  tasks writing to each repartition (the partitions of the raw topics)
     */
    public static <V> KStream<String, V> attach(StreamsBuilder builder, KStream<String, V> stream,
                                                KStream<String, ProcessInfo> processesByKey, String name,
                                                int upstreamTasks, Serde<V> serde, TopologySerdes serdes,
                                                Function<V, String> processKey, Predicate<V> heartbeat,
                                                BiFunction<V, ProcessInfo, V> joiner) {
        Serde<ProcessInfo> processSerde = serdes.of(ProcessInfo.class);
        String storeName = name + "-" + STORE;
        // Read with every lookup: objects between commits (CommitTimeStore).
        builder.addStateStore(CommitTimeStore.builder(storeName, Serdes.String(), processSerde));
        KStream<String, V> lookups = HeartbeatRepartition.repartition(
                stream.selectKey((key, value) -> HeartbeatMarker.isHeartbeat(heartbeat, key, value) ? key
                                : processKey.apply(value),
                        Named.as(name + "-key")),
                name, serde, heartbeat);
        // The table's channel first: a process change and a lookup of the same millisecond apply in that order.
        KStream<String, Object> ordered = EventTimeSync.merge(builder, name, upstreamTasks, List.of(
                EventTimeSync.Channel.repartitioned(PROCESSES_CHANNEL, processesByKey, processSerde, process -> false),
                EventTimeSync.Channel.repartitioned(name, lookups, serde, heartbeat)));
        return ordered.process(() -> new Lookup<>(storeName, PROCESSES_CHANNEL, heartbeat, joiner),
                Named.as(name + "-lookup"), storeName);
    }

    /** Keeps the current process of each key and answers the lookups, in the order the sync releases them. */
    private static final class Lookup<V> implements Processor<String, Object, String, V> {
        private final String storeName;
        private final String processesChannel;
        private final Predicate<V> heartbeat;
        private final BiFunction<V, ProcessInfo, V> joiner;
        private ProcessorContext<String, V> context;
        private KeyValueStore<String, ProcessInfo> processes;

        Lookup(String storeName, String processesChannel, Predicate<V> heartbeat, BiFunction<V, ProcessInfo, V> joiner) {
            this.storeName = storeName;
            this.processesChannel = processesChannel;
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
            V joined = heartbeat.test(value) ? value : joiner.apply(value, processes.get(record.key()));
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
