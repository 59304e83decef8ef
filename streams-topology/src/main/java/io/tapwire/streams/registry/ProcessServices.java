package io.tapwire.streams.registry;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.streams.TopologySerdes;
import io.tapwire.streams.heartbeat.HeartbeatRepartition;
import io.tapwire.streams.identity.IdentityRules;
import io.tapwire.streams.identity.ProcessFacts;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The service of the process that did something: any raw record names its process by
 * {@code cluster/node/bootId/pid/processStartTicks}, the key of the registry's processes.
 *
 * <p>The processes are a versioned table inside the topology, co-partitioned with the records that look them
 * up, and each lookup is as of the record's event time: a replay finds the process as it was then, whatever was
 * processed since. The join holds each record for a grace period of stream time first, so a process update
 * stamped before the record but processed a little after it still counts (Kafka Streams makes no promise about
 * the order of two input partitions). A GlobalKTable would answer with whatever it had loaded by then.
 */
public final class ProcessServices {

    public static final String STORE = "process-services";
    /** How far back (event time) lookups find earlier versions of a process; the latest is kept regardless. */
    static final Duration HISTORY = Duration.ofHours(1);

    private ProcessServices() {
    }

    /** The registry's process changes (tombstones included) as a versioned table keyed by process key. */
    public static KTable<String, ProcessInfo> table(KStream<String, ProcessInfo> processes, TopologySerdes serdes) {
        Serde<ProcessInfo> serde = serdes.of(ProcessInfo.class);
        return processes
                .repartition(Repartitioned.with(Serdes.String(), serde).withName("processes-by-key"))
                .toTable(Named.as("process-services-table"),
                        Materialized.<String, ProcessInfo>as(Stores.persistentVersionedKeyValueStore(STORE, HISTORY))
                                .withKeySerde(Serdes.String()).withValueSerde(serde));
    }

    /**
     * Attaches to each record of {@code stream} the process named by {@code processKey} (null when the registry
     * does not know it at the record's time), through the repartition topic {@code name}. Heartbeats pass
     * untouched, and reach every partition.
     *
     * @param grace how long (stream time) a record waits for the processes to catch up
     */
    public static <V> KStream<String, V> attach(KStream<String, V> stream, KTable<String, ProcessInfo> processes,
                                                String name, Duration grace, Serde<V> serde, TopologySerdes serdes,
                                                Function<V, String> processKey, Predicate<V> heartbeat,
                                                BiFunction<V, ProcessInfo, V> joiner) {
        KStream<String, V> byProcess = HeartbeatRepartition.repartition(
                stream.selectKey((key, value) -> heartbeat.test(value) ? key : processKey.apply(value),
                        Named.as(name + "-key")),
                name, serde, heartbeat);
        return byProcess.leftJoin(processes,
                (value, process) -> heartbeat.test(value) ? value : joiner.apply(value, process),
                Joined.with(Serdes.String(), serde, serdes.of(ProcessInfo.class), name + "-join").withGracePeriod(grace));
    }

    /**
     * The service of {@code process}; for a process the registry does not know (it started before the collector
     * and no snapshot listed it yet), the plain-process rule applied to the thread name the event carried.
     */
    public static String serviceOf(ProcessInfo process, String comm) {
        if (process != null && !process.getService().isEmpty()) {
            return process.getService();
        }
        return IdentityRules.identify(new ProcessFacts(null, null, null, comm)).service();
    }
}
