package io.tapwire.streams.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.tapwire.streams.Select;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * Merges channels into one deterministic event-time order (DESIGN.md "Determinism").
 *
 * <p>A task that reads a repartition topic receives the records of every upstream task interleaved as they
 * happened to be written, and an upstream task that lags (a backlog, a restart) is seen late. Kafka Streams
 * orders only by the records it already has, so a lookup or a window close could run before the records that
 * should precede it, and a replay would decide differently than the live run did. This step holds every record
 * in a buffer (a changelogged store) and releases it only when every source — each upstream task of each
 * channel — has shown, by a heartbeat, that it got to the record's time. A heartbeat at W says that its source has
 * nothing more at or before W. The order of release is fixed by the records alone: effective time (the record's
 * own time, or just after its source's last heartbeat if that is later, so a record can never be placed before
 * what was already released), then channel, then source partition, then the source's own order. Whatever the
 * interleaving, a replay gets the same sequence.
 *
 * <p>The price: records wait for the slowest source's next heartbeat (the collector writes one every few
 * seconds to every partition), and a source that sends no heartbeats holds everything back.
 */
public final class EventTimeSync {

    private EventTimeSync() {
    }

    /**
     * A stream to merge. A {@link #repartitioned} channel comes from every task of the sub-topology upstream
     * through a {@link io.tapwire.streams.heartbeat.HeartbeatRepartition} of the same name; a {@link #local} one
     * is read by this task itself (a raw topic).
     */
    public record Channel<V>(String name, KStream<String, V> stream, Serde<V> serde, Predicate<V> heartbeat,
                             boolean local) {

        public static <V> Channel<V> repartitioned(String name, KStream<String, V> stream, Serde<V> serde,
                                                   Predicate<V> heartbeat) {
            return new Channel<>(name, stream, serde, heartbeat, false);
        }

        public static <V> Channel<V> local(String name, KStream<String, V> stream, Serde<V> serde,
                                           Predicate<V> heartbeat) {
            return new Channel<>(name, stream, serde, heartbeat, true);
        }

        /** A heartbeat of this channel: its own kind of value, or the generic {@link HeartbeatMarker}. */
        boolean isHeartbeat(String key, V value) {
            return HeartbeatMarker.isHeartbeat(heartbeat, key, value);
        }
    }

    /**
     * The channels' records, released in event-time order; each carries its channel in its {@link SourceStamp}
     * (see {@link #channelOf}). Heartbeats are released too, in their place.
     *
     * @param upstreamTasks how many tasks write to each repartitioned channel (the partitions of the raw topics)
     */
    public static KStream<String, Object> merge(StreamsBuilder builder, String name, int upstreamTasks,
                                                List<Channel<?>> channels) {
        // What is held, in memory and changelogged in segments written at commits (HeldRecords): a restart restores
        // what waits, and a source that falls far behind grows the disk part beyond a bounded number of records in memory.
        builder.addStateStore(HeldRecords.builder(bufferStore(name)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(watermarkStore(name)),
                Serdes.String(), Serdes.Long()));
        KStream<String, Object> merged = null;
        for (Channel<?> channel : channels) {
            KStream<String, Object> stream = asObjects(channel, name);
            merged = merged == null ? stream : merged.merge(stream, Named.as(name + "-merge-" + channel.name()));
        }
        List<Channel<?>> specs = List.copyOf(channels);
        return merged.process(() -> new SyncProcessor(name, upstreamTasks, specs), Named.as(name + "-sync"),
                bufferStore(name), watermarkStore(name));
    }

    /** One repartitioned channel, in event-time order: {@link #merge} of it alone, values of its own type. */
    public static <V> KStream<String, V> ordered(StreamsBuilder builder, KStream<String, V> repartitioned, String name,
                                                 int upstreamTasks, Serde<V> serde, Predicate<V> heartbeat) {
        // Its values are the channel's own.
        return Select.retyped(merge(builder, name, upstreamTasks,
                List.of(Channel.repartitioned(name, repartitioned, serde, heartbeat))));
    }

    /** The channel a released record came from. */
    public static String channelOf(org.apache.kafka.common.header.Headers headers) {
        SourceStamp.Source source = SourceStamp.of(headers);
        return source == null ? null : source.channel();
    }

    static String bufferStore(String name) {
        return name + "-sync-held";
    }

    static String watermarkStore(String name) {
        return name + "-sync-watermarks";
    }

    /** The channel's stream as one of objects, to merge with the others. */
    private static <V> KStream<String, Object> asObjects(Channel<V> channel, String name) {
        KStream<String, V> stream = channel.local()
                ? channel.stream().processValues(() -> new LocalStamp<>(channel.name()),
                        Named.as(name + "-stamp-" + channel.name()))
                : channel.stream();
        return Select.retyped(stream);
    }

    /** Every channel a sync reads, the sources it waits for, and how to store their records. */
    static List<SourceStamp.Source> expectedSources(List<Channel<?>> channels, int upstreamTasks, int ownPartition) {
        List<SourceStamp.Source> sources = new ArrayList<>();
        for (Channel<?> channel : channels) {
            if (channel.local()) {
                sources.add(new SourceStamp.Source(channel.name(), ownPartition));
            } else {
                for (int partition = 0; partition < upstreamTasks; partition++) {
                    sources.add(new SourceStamp.Source(channel.name(), partition));
                }
            }
        }
        return sources;
    }
}
