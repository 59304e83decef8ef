package io.tapwire.api.counters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.schemas.keys.TcpMetricKey;
import org.apache.kafka.common.TopicPartition;

/**
 * The working copy of the cumulative counters: every final window of {@code tapwire.l7.metrics.v1} and
 * {@code tapwire.tcp.metrics.v1} added once, and the offsets read so far. Owned by the one thread that reads the
 * topics; others see it through {@link #snapshot()} copies.
 *
 * <p>A window key counts once. The keys counted are remembered per partition (a key always lands on the same
 * partition) for {@code dedupHorizon} of event time behind the newest window of that partition: a final record
 * delivered again within it is recognised; one older than that is not counted at all, because it can no longer be
 * told from one already counted (counters that count twice cannot be repaired; one window left out shows in
 * {@code tapwire_api_counter_records_skipped_total}).
 */
final class CounterState {

    static final String DUPLICATE = "duplicate";
    static final String BEYOND_HORIZON = "beyond-dedup-horizon";
    static final String UNDECODABLE = "undecodable";

    private record L7Series(String side, String client, String server, String destination, String protocol,
                            String status) {
    }

    private static final class L7Totals {
        long requests;
        long errors;
        long latencySumNanos;
        final long[] buckets = new long[LatencyBuckets.COUNT];
    }

    private record TcpSeries(String client, String destination, String server) {
    }

    private static final class TcpTotals {
        long successfulConnects;
        long failedConnects;
        long connectTimeNanos;
        long retransmits;
        long bytesSent;
        long bytesReceived;
        long activeWindowStartMs = Long.MIN_VALUE;
        long activeConnections;
    }

    private static final class Counted {
        long newestWindowStartMs = Long.MIN_VALUE;
        final Map<String, Long> keys = new HashMap<>();
    }

    private final long horizonMs;
    private final Map<TopicPartition, Long> offsets = new HashMap<>();
    private final Map<L7Series, L7Totals> l7 = new HashMap<>();
    private final Map<TcpSeries, TcpTotals> tcp = new HashMap<>();
    private final Map<TopicPartition, Counted> counted = new HashMap<>();
    private final Map<String, Map<String, Long>> skipped = new TreeMap<>();

    CounterState(Duration dedupHorizon) {
        this.horizonMs = dedupHorizon.toMillis();
    }

    Map<TopicPartition, Long> offsets() {
        return Map.copyOf(offsets);
    }

    /** The next offset to read on {@code partition}, once the record before it was applied. */
    void readUpTo(TopicPartition partition, long nextOffset) {
        offsets.merge(partition, nextOffset, Math::max);
    }

    void skip(String topic, String reason) {
        skipped.computeIfAbsent(topic, t -> new TreeMap<>()).merge(reason, 1L, Long::sum);
    }

    /** Adds a final L7 window unless its key was counted already; false when it was not counted. */
    boolean addFinal(TopicPartition partition, L7Metric m) {
        String key = new L7MetricKey(m.getSide(), m.getClientService(), m.getServerService(), m.getDestination(),
                m.getProtocol(), m.getStatus(), m.getWindowStartEpochMs()).format();
        if (!admit(partition, key, m.getWindowStartEpochMs())) {
            return false;
        }
        L7Totals totals = l7.computeIfAbsent(new L7Series(m.getSide(), m.getClientService(), m.getServerService(),
                m.getDestination(), m.getProtocol(), m.getStatus()), s -> new L7Totals());
        totals.requests += m.getRequests();
        totals.errors += m.getErrors();
        totals.latencySumNanos += Math.round(m.getLatencySumSeconds() * 1e9);
        LatencyBuckets.add(m.getLatencyBucketBoundsSeconds(), m.getLatencyBucketCounts(), totals.buckets);
        return true;
    }

    /** Adds a final TCP window unless its key was counted already; false when it was not counted. */
    boolean addFinal(TopicPartition partition, TcpMetric m) {
        String key = new TcpMetricKey(m.getClientService(), m.getDestination(), m.getServerService(),
                m.getWindowStartEpochMs()).format();
        if (!admit(partition, key, m.getWindowStartEpochMs())) {
            return false;
        }
        TcpTotals totals = tcp.computeIfAbsent(new TcpSeries(m.getClientService(), m.getDestination(),
                m.getServerService()), s -> new TcpTotals());
        totals.successfulConnects += m.getSuccessfulConnects();
        totals.failedConnects += m.getFailedConnects();
        totals.connectTimeNanos += Math.round(m.getConnectTimeSumSeconds() * 1e9);
        totals.retransmits += m.getRetransmits();
        totals.bytesSent += m.getBytesSent();
        totals.bytesReceived += m.getBytesReceived();
        if (m.getWindowStartEpochMs() >= totals.activeWindowStartMs) {
            totals.activeWindowStartMs = m.getWindowStartEpochMs();
            totals.activeConnections = m.getActiveConnections();
        }
        return true;
    }

    private boolean admit(TopicPartition partition, String key, long windowStartMs) {
        Counted windows = counted.computeIfAbsent(partition, p -> new Counted());
        if (windows.newestWindowStartMs != Long.MIN_VALUE && windowStartMs < windows.newestWindowStartMs - horizonMs) {
            skip(partition.topic(), BEYOND_HORIZON);
            return false;
        }
        if (windows.keys.putIfAbsent(key, windowStartMs) != null) {
            skip(partition.topic(), DUPLICATE);
            return false;
        }
        windows.newestWindowStartMs = Math.max(windows.newestWindowStartMs, windowStartMs);
        return true;
    }

    /** Forgets the counted keys that fell out of the dedup horizon. */
    void prune() {
        for (Counted windows : counted.values()) {
            long oldest = windows.newestWindowStartMs - horizonMs;
            windows.keys.values().removeIf(start -> start < oldest);
        }
    }

    CounterSnapshot snapshot() {
        return new CounterSnapshot(l7Entries(), tcpEntries(), skippedCopy());
    }

    CounterFileContent content() {
        Map<String, Long> offsetsByName = new TreeMap<>();
        offsets.forEach((partition, offset) -> offsetsByName.put(partition.toString(), offset));
        Map<String, CounterFileContent.CountedWindows> countedByName = new TreeMap<>();
        counted.forEach((partition, windows) -> countedByName.put(partition.toString(),
                new CounterFileContent.CountedWindows(windows.newestWindowStartMs, new TreeMap<>(windows.keys))));
        return new CounterFileContent(CounterFileContent.VERSION, offsetsByName, l7Entries(), tcpEntries(),
                countedByName, skippedCopy());
    }

    static CounterState of(CounterFileContent content, Duration dedupHorizon) {
        CounterState state = new CounterState(dedupHorizon);
        content.offsets().forEach((name, offset) -> state.offsets.put(partition(name), offset));
        for (L7Entry e : content.l7()) {
            L7Totals totals = new L7Totals();
            totals.requests = e.requests();
            totals.errors = e.errors();
            totals.latencySumNanos = e.latencySumNanos();
            System.arraycopy(e.bucketCounts(), 0, totals.buckets, 0, LatencyBuckets.COUNT);
            state.l7.put(new L7Series(e.side(), e.clientService(), e.serverService(), e.destination(), e.protocol(),
                    e.status()), totals);
        }
        for (TcpEntry e : content.tcp()) {
            TcpTotals totals = new TcpTotals();
            totals.successfulConnects = e.successfulConnects();
            totals.failedConnects = e.failedConnects();
            totals.connectTimeNanos = e.connectTimeNanos();
            totals.retransmits = e.retransmits();
            totals.bytesSent = e.bytesSent();
            totals.bytesReceived = e.bytesReceived();
            totals.activeWindowStartMs = e.activeWindowStartMs();
            totals.activeConnections = e.activeConnections();
            state.tcp.put(new TcpSeries(e.clientService(), e.destination(), e.serverService()), totals);
        }
        content.counted().forEach((name, windows) -> {
            Counted c = new Counted();
            c.newestWindowStartMs = windows.newestWindowStartMs();
            c.keys.putAll(windows.keys());
            state.counted.put(partition(name), c);
        });
        content.skipped().forEach((topic, reasons) -> state.skipped.put(topic, new TreeMap<>(reasons)));
        return state;
    }

    private List<L7Entry> l7Entries() {
        List<L7Entry> entries = new ArrayList<>(l7.size());
        l7.forEach((s, t) -> entries.add(new L7Entry(s.side(), s.client(), s.server(), s.destination(), s.protocol(),
                s.status(), t.requests, t.errors, t.latencySumNanos, t.buckets.clone())));
        return entries;
    }

    private List<TcpEntry> tcpEntries() {
        List<TcpEntry> entries = new ArrayList<>(tcp.size());
        tcp.forEach((s, t) -> entries.add(new TcpEntry(s.client(), s.destination(), s.server(), t.successfulConnects,
                t.failedConnects, t.connectTimeNanos, t.retransmits, t.bytesSent, t.bytesReceived,
                t.activeWindowStartMs, t.activeConnections)));
        return entries;
    }

    private Map<String, Map<String, Long>> skippedCopy() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        skipped.forEach((topic, reasons) -> copy.put(topic, Map.copyOf(reasons)));
        return copy;
    }

    /** {@code tapwire.l7.metrics.v1-2} → the partition. */
    private static TopicPartition partition(String name) {
        int dash = name.lastIndexOf('-');
        if (dash < 1) {
            throw new IllegalArgumentException("'" + name + "' is not topic-partition");
        }
        return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
    }
}
