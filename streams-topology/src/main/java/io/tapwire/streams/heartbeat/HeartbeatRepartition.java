package io.tapwire.streams.heartbeat;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.tapwire.streams.sync.HeartbeatMarker;
import io.tapwire.streams.sync.SourceStamp;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * A repartition that carries stream time (DESIGN.md "Stream time"). A record goes to the partition of its key;
 * a heartbeat goes to every partition, so a partition that receives no data still sees time pass and closes its
 * windows. Kafka Streams 4.x sends a record to each partition in the set that
 * {@link StreamPartitioner#partitions} returns.
 *
 * <p>Each task relays at most one heartbeat per {@link #RELAY_INTERVAL} of event time: every upstream task
 * broadcasts, so without the limit each stage would multiply the heartbeats by its partition count. A stream
 * whose values have no heartbeat of their own uses the {@link HeartbeatMarker} (its key and a null value).
 *
 * <p>Every record is stamped with its source ({@link SourceStamp}: this repartition's name and the writing task's
 * partition), so that an {@link io.tapwire.streams.sync.EventTimeSync} downstream knows how far each upstream
 * task has got.
 */
public final class HeartbeatRepartition {

    /** The least event time between two heartbeats one task relays, unless configured. */
    public static final Duration RELAY_INTERVAL = Duration.ofSeconds(1);
    /** Application config with the relay interval in milliseconds (tapwire.streams.heartbeat-relay-interval). */
    public static final String RELAY_INTERVAL_CONFIG = "tapwire.heartbeat.relay.interval.ms";

    private HeartbeatRepartition() {
    }

    /** Repartitions {@code stream} by its key through the topic named {@code name}, heartbeats to every partition. */
    public static <V> KStream<String, V> repartition(KStream<String, V> stream, String name, Serde<V> serde,
                                                     Predicate<V> heartbeat) {
        return stream.processValues(() -> new Relay<>(name, heartbeat), Named.as(name + "-heartbeat-relay"))
                .repartition(Repartitioned.with(Serdes.String(), serde).withName(name)
                        .withStreamPartitioner(new Broadcast<>(heartbeat)));
    }

    /**
     * Sends every record, heartbeats included, to every partition through the topic named {@code name}: for small
     * tables that every task downstream needs whole (the addresses DNS answers named), kept in event-time order
     * with the rest of that task's inputs by an {@link io.tapwire.streams.sync.EventTimeSync}.
     */
    public static <V> KStream<String, V> broadcast(KStream<String, V> stream, String name, Serde<V> serde,
                                                   Predicate<V> heartbeat) {
        return stream.processValues(() -> new Relay<>(name, heartbeat), Named.as(name + "-heartbeat-relay"))
                .repartition(Repartitioned.with(Serdes.String(), serde).withName(name)
                        .withStreamPartitioner(new Broadcast<>(value -> true)));
    }

    /** Every partition for a heartbeat; the default partitioning (murmur2 of the key bytes) for anything else. */
    public static final class Broadcast<V> implements StreamPartitioner<String, V> {
        private final Predicate<V> heartbeat;

        public Broadcast(Predicate<V> heartbeat) {
            this.heartbeat = heartbeat;
        }

        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, V value, int numPartitions) {
            if (HeartbeatMarker.isHeartbeat(heartbeat, key, value)) {
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
            }
            return Optional.empty();
        }
    }

    /** Passes every record, stamped with its source, but drops heartbeats less than {@link #RELAY_INTERVAL} after the last one relayed. */
    private static final class Relay<V> implements FixedKeyProcessor<String, V, V> {
        private final String channel;
        private final Predicate<V> heartbeat;
        private long intervalMs = RELAY_INTERVAL.toMillis();
        private FixedKeyProcessorContext<String, V> context;
        // In memory: after a restart one extra heartbeat may be relayed. It can only move, in the event-time syncs
        // downstream, a record that comes later than its source's heartbeat to just after that heartbeat, which a
        // replay may place otherwise: a restart exactly between such a record and its source's next heartbeat.
        private long lastRelayedMs = Long.MIN_VALUE;

        Relay(String channel, Predicate<V> heartbeat) {
            this.channel = channel;
            this.heartbeat = heartbeat;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, V> context) {
            this.context = context;
            Object configured = context.appConfigs().get(RELAY_INTERVAL_CONFIG);
            if (configured != null) {
                intervalMs = Long.parseLong(configured.toString());
            }
        }

        @Override
        public void process(FixedKeyRecord<String, V> record) {
            if (HeartbeatMarker.isHeartbeat(heartbeat, record.key(), record.value())) {
                if (lastRelayedMs != Long.MIN_VALUE && record.timestamp() < lastRelayedMs + intervalMs) {
                    return;
                }
                lastRelayedMs = record.timestamp();
            }
            context.forward(record.withHeaders(
                    SourceStamp.stamp(record.headers(), channel, context.taskId().partition())));
        }
    }
}
