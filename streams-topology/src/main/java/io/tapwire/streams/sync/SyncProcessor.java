package io.tapwire.streams.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buffer of an {@link EventTimeSync}. Buffer keys sort in release order: effective time, channel index,
 * source partition, the record's offset in its input partition and a counter for several records of one offset,
 * all big-endian with the sign bit flipped so that byte order is numeric order.
 */
final class SyncProcessor implements Processor<String, Object, String, Object> {

    private static final int KEY_BYTES = 8 + 4 + 4 + 8 + 4;
    private static final long STALL_WARNING_MS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(SyncProcessor.class);

    private final String name;
    private final int upstreamTasks;
    private final List<EventTimeSync.Channel<?>> channels;
    private final Map<String, Integer> channelIndex = new HashMap<>();
    /** Per source, the offset of its last record and how many records that offset gave (see {@link #bufferKey}). */
    private final Map<SourceStamp.Source, Position> lastPosition = new HashMap<>();
    /** The watermark store's content, read once at start: the per-record path reads it from here. */
    private final Map<SourceStamp.Source, Long> marks = new HashMap<>();
    private ProcessorContext<String, Object> context;
    private HeldRecords<Held> buffer;
    private KeyValueStore<String, Long> watermarks;
    private List<SourceStamp.Source> expected;
    private long releasedThrough = Long.MIN_VALUE;
    /** Records held since the last release, and when (wall clock, for the operator's warning only) it was. */
    private long heldSinceRelease;
    private long lastReleaseMs = Long.MIN_VALUE;
    private long lastWarningMs = Long.MIN_VALUE;

    SyncProcessor(String name, int upstreamTasks, List<EventTimeSync.Channel<?>> channels) {
        this.name = name;
        this.upstreamTasks = upstreamTasks;
        this.channels = channels;
        for (int i = 0; i < channels.size(); i++) {
            channelIndex.put(channels.get(i).name(), i);
        }
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        HeldRecords<?> held = context.getStateStore(EventTimeSync.bufferStore(name));
        this.buffer = held.open(new HeldRecords.Codec<>() {
            @Override
            public byte[] encode(Held value) {
                return SyncProcessor.this.encode(value);
            }

            @Override
            public Held decode(byte[] bytes) {
                return SyncProcessor.this.decode(bytes);
            }
        });
        this.watermarks = context.getStateStore(EventTimeSync.watermarkStore(name));
        this.expected = EventTimeSync.expectedSources(channels, upstreamTasks, context.taskId().partition());
        for (SourceStamp.Source source : expected) {
            Long mark = watermarks.get(sourceId(source));
            if (mark != null) {
                marks.put(source, mark);
            }
        }
        this.releasedThrough = lowestWatermark();
        // Also when nothing arrives any more: the warning is for an operator, on the wall clock by design.
        context.schedule(java.time.Duration.ofMillis(STALL_WARNING_MS), PunctuationType.WALL_CLOCK_TIME,
                time -> warnWhenStalled());
    }

    @Override
    public void process(Record<String, Object> record) {
        SourceStamp.Source source = SourceStamp.of(record.headers());
        Integer index = source == null ? null : channelIndex.get(source.channel());
        if (index == null) {
            throw new IllegalStateException("sync " + name + " got a record from " + source
                    + ", not one of its channels " + channelIndex.keySet());
        }
        Long mark = marks.get(source);
        // A heartbeat at W says this source has nothing more at or before W: what it sends later goes after W.
        long effective = mark == null ? record.timestamp() : Math.max(record.timestamp(), mark + 1);
        buffer.hold(bufferKey(effective, index, source, position(source)), new Held(index, source.partition(), record));
        heldSinceRelease++;
        if (isHeartbeat(index, record) && (mark == null || record.timestamp() > mark)) {
            marks.put(source, record.timestamp());
            watermarks.put(sourceId(source), record.timestamp());
            long lowest = lowestWatermark();
            if (lowest > releasedThrough) {
                release(lowest);
                releasedThrough = lowest;
                heldSinceRelease = 0;
                lastReleaseMs = context.currentSystemTimeMs();
            }
        }
        warnWhenStalled();
    }

    /**
     * A source that sends no heartbeats (no collector writes to that raw partition, or an archive without them)
     * holds everything back: say so, at most once a minute, naming the sources that are behind. The wall clock
     * only times this message; no result depends on it.
     */
    private void warnWhenStalled() {
        long now = context.currentSystemTimeMs();
        if (lastReleaseMs == Long.MIN_VALUE) {
            lastReleaseMs = now;
        }
        if (heldSinceRelease == 0 || now - lastReleaseMs < STALL_WARNING_MS
                || lastWarningMs != Long.MIN_VALUE && now - lastWarningMs < STALL_WARNING_MS) {
            return;
        }
        lastWarningMs = now;
        Map<String, String> behind = new java.util.TreeMap<>();
        for (SourceStamp.Source source : expected) {
            Long mark = marks.get(source);
            if (mark == null || mark <= releasedThrough) {
                behind.put(sourceId(source), mark == null ? "no heartbeat yet" : java.time.Instant.ofEpochMilli(mark).toString());
            }
        }
        LOG.warn("Event-time sync {} (task {}) holds {} records, nothing released for {} s: waiting for heartbeats "
                + "from {}. Every partition of every raw topic needs the collectors' heartbeats.", name,
                context.taskId(), heldSinceRelease, (now - lastReleaseMs) / 1000, behind);
    }

    /**
     * Forwards, in order, every buffered record with an effective time up to {@code bound}. Every held record's
     * effective time is after {@link #releasedThrough} (it is at least its own source's watermark plus one), so
     * the scan starts there: on disk, the records released before are tombstones a scan from the start would
     * step over one by one, every release, until a compaction drops them.
     */
    private void release(long bound) {
        byte[] first = new byte[KEY_BYTES];
        if (releasedThrough != Long.MIN_VALUE) {
            ByteBuffer.wrap(first).putLong((releasedThrough + 1) ^ Long.MIN_VALUE);
        }
        Bytes from = Bytes.wrap(first);
        byte[] last = new byte[KEY_BYTES];
        java.util.Arrays.fill(last, (byte) 0xFF);
        ByteBuffer.wrap(last).putLong(bound ^ Long.MIN_VALUE);
        buffer.release(from, Bytes.wrap(last), held -> context.forward(held.released(channels)));
    }

    private long lowestWatermark() {
        long lowest = Long.MAX_VALUE;
        for (SourceStamp.Source source : expected) {
            Long mark = marks.get(source);
            if (mark == null) {
                return Long.MIN_VALUE;
            }
            lowest = Math.min(lowest, mark);
        }
        return lowest;
    }

    @SuppressWarnings("unchecked")
    private boolean isHeartbeat(int index, Record<String, Object> record) {
        EventTimeSync.Channel<Object> channel = (EventTimeSync.Channel<Object>) channels.get(index);
        return channel.isHeartbeat(record.key(), record.value());
    }

    /** Where a record stands in its source's order: its input offset, and a counter when one offset gave several. */
    private static final class Position {
        long offset = Long.MIN_VALUE;
        int sub;
    }

    /** Advances {@code source}'s position to the current record and returns it (valid until the next record). */
    private Position position(SourceStamp.Source source) {
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        Position last = lastPosition.computeIfAbsent(source, key -> new Position());
        if (last.offset == offset) {
            last.sub++;
        } else {
            last.offset = offset;
            last.sub = 0;
        }
        return last;
    }

    private static String sourceId(SourceStamp.Source source) {
        return source.channel() + "#" + source.partition();
    }

    private static Bytes bufferKey(long effective, int channel, SourceStamp.Source source, Position position) {
        return Bytes.wrap(ByteBuffer.allocate(KEY_BYTES)
                .putLong(effective ^ Long.MIN_VALUE)
                .putInt(channel ^ Integer.MIN_VALUE)
                .putInt(source.partition() ^ Integer.MIN_VALUE)
                .putLong(position.offset ^ Long.MIN_VALUE)
                .putInt(position.sub ^ Integer.MIN_VALUE)
                .array());
    }

    /**
     * A held record: its channel's index, its source partition, the record as it came. Released with only its
     * source stamp as headers, whether it waited in memory or was spilled and read back.
     */
    record Held(int index, int partition, Record<String, Object> record) {
        Record<String, Object> released(List<EventTimeSync.Channel<?>> channels) {
            return new Record<>(record.key(), record.value(), record.timestamp(),
                    SourceStamp.stamp(new RecordHeaders(), channels.get(index).name(), partition));
        }
    }

    @SuppressWarnings("unchecked")
    private byte[] encode(Held held) {
        int index = held.index();
        Record<String, Object> record = held.record();
        EventTimeSync.Channel<Object> channel = (EventTimeSync.Channel<Object>) channels.get(index);
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = record.value() == null ? null
                : channel.serde().serializer().serialize(topicOf(channel), record.value());
        ByteBuffer out = ByteBuffer.allocate(4 + 4 + 8 + 4 + length(key) + 4 + length(value));
        out.putInt(index).putInt(held.partition()).putLong(record.timestamp());
        put(out, key);
        put(out, value);
        return out.array();
    }

    private Held decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int index = in.getInt();
        int partition = in.getInt();
        long timestamp = in.getLong();
        byte[] key = get(in);
        byte[] value = get(in);
        EventTimeSync.Channel<?> channel = channels.get(index);
        Object decoded = value == null ? null : channel.serde().deserializer().deserialize(topicOf(channel), value);
        return new Held(index, partition,
                new Record<>(key == null ? null : new String(key, StandardCharsets.UTF_8), decoded, timestamp));
    }

    /**
     * The topic a held record is encoded for: a repartitioned channel's own repartition topic; for a local channel, a
     * name of this sync's own. (The topology's serdes encode both under the record class's subject, registered
     * before the stream threads start: see {@link io.tapwire.streams.TopologySerdes}.)
     */
    private String topicOf(EventTimeSync.Channel<?> channel) {
        return channel.local() ? name + "-sync-" + channel.name()
                : context.applicationId() + "-" + channel.name() + "-repartition";
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void put(ByteBuffer out, byte[] bytes) {
        out.putInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.put(bytes);
        }
    }

    private static byte[] get(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
