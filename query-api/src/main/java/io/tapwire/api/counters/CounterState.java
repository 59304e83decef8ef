package io.tapwire.api.counters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.ServiceEvent;
import io.tapwire.schemas.derived.ServiceEventType;
import io.tapwire.schemas.derived.TcpMetric;
import io.tapwire.schemas.keys.L7MetricKey;
import io.tapwire.schemas.keys.TcpMetricKey;
import org.apache.kafka.common.TopicPartition;

/**
 * The working copy of the cumulative counters: every final window of {@code tapwire.l7.metrics.v1} and
 * {@code tapwire.tcp.metrics.v1} added once, and the offsets read so far. Owned by the one thread that reads the
 * topics; others see it through {@link #snapshot()} copies.
 *
 * <p>Windows still open count too, so that {@code /metrics} is seconds behind the requests rather than a window and its
 * grace: the latest update of each open window is kept beside the totals (and written with them) and added to them in
 * every snapshot. An update only ever grows its window, and its final is at least its last update, so the counters
 * shown never go backwards: when the final comes it replaces the open window in the totals. An open window whose final
 * never comes within the dedup horizon is folded into the totals as it last was.
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
    private static final String DNS = "dns";

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

    private record DnsSeries(String client, String requestType, String domain, String status) {
    }

    /** The latest update of an L7 window whose final has not come yet. */
    record OpenL7Window(long windowStartMs, L7Entry entry) {
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
    /** Open windows by key: the latest update of each, not yet in the totals. */
    private final Map<String, OpenL7Window> openL7 = new HashMap<>();
    private final Map<String, TcpEntry> openTcp = new HashMap<>();
    private final Map<String, Long> oomKills = new TreeMap<>();
    private final Map<DnsSeries, L7Totals> dns = new HashMap<>();
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
        String key = key(m);
        if (!admit(partition, key, m.getWindowStartEpochMs())) {
            return false;
        }
        openL7.remove(key);
        add(entry(m));
        return true;
    }

    /** Adds a final TCP window unless its key was counted already; false when it was not counted. */
    boolean addFinal(TopicPartition partition, TcpMetric m) {
        String key = key(m);
        if (!admit(partition, key, m.getWindowStartEpochMs())) {
            return false;
        }
        openTcp.remove(key);
        add(entry(m));
        return true;
    }

    /** Counts an OOM kill of {@code event}'s service; other events count nothing here. */
    void addEvent(ServiceEvent event) {
        if (event.getType() == ServiceEventType.OOM_KILL && !event.getService().isEmpty()) {
            oomKills.merge(event.getService(), 1L, Long::sum);
        }
    }

    /**
     * Counts a DNS request a client observed; other requests count nothing here (their windows in
     * {@code tapwire.l7.metrics.v1} count them). Each record counts once: the requests topic is read exactly once
     * through the offsets written with the counts.
     */
    void addRequest(L7Request request) {
        if (!DNS.equals(request.getProtocol()) || request.getSide() != ObservedSide.CLIENT
                || request.getClientService().isEmpty()) {
            return;
        }
        L7Totals totals = dns.computeIfAbsent(new DnsSeries(request.getClientService(),
                nonNull(request.getOperation()), nonNull(request.getResource()), request.getStatus()),
                s -> new L7Totals());
        totals.requests++;
        totals.latencySumNanos += request.getDurationNs();
        LatencyBuckets.observe(request.getDurationNs(), totals.buckets);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Keeps the latest update of an open L7 window, unless its final was counted already or it grew no further. */
    void addUpdate(TopicPartition partition, L7Metric m) {
        String key = key(m);
        if (isOpen(partition, key, m.getWindowStartEpochMs())) {
            openL7.merge(key, new OpenL7Window(m.getWindowStartEpochMs(), entry(m)),
                    (known, update) -> update.entry().requests() >= known.entry().requests() ? update : known);
        }
    }

    /** Keeps the latest update of an open TCP window, unless its final was counted already. */
    void addUpdate(TopicPartition partition, TcpMetric m) {
        String key = key(m);
        if (isOpen(partition, key, m.getWindowStartEpochMs())) {
            openTcp.merge(key, entry(m), (known, update) -> update.successfulConnects() + update.failedConnects()
                    >= known.successfulConnects() + known.failedConnects() ? update : known);
        }
    }

    private boolean isOpen(TopicPartition partition, String key, long windowStartMs) {
        Counted windows = counted.get(partition);
        return windows == null || !windows.keys.containsKey(key)
                && (windows.newestWindowStartMs == Long.MIN_VALUE || windowStartMs >= windows.newestWindowStartMs - horizonMs);
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

    /**
     * Forgets the counted keys that fell out of the dedup horizon, and folds into the totals the open windows that fell
     * out of it (their final never came; what was shown of them stays counted).
     */
    void prune() {
        long newest = counted.values().stream().mapToLong(w -> w.newestWindowStartMs).max().orElse(Long.MIN_VALUE);
        if (newest != Long.MIN_VALUE) {
            long oldestOpen = newest - horizonMs;
            openL7.values().removeIf(open -> open.windowStartMs() < oldestOpen && add(open.entry()));
            openTcp.values().removeIf(e -> e.activeWindowStartMs() < oldestOpen && add(e));
        }
        for (Counted windows : counted.values()) {
            long oldest = windows.newestWindowStartMs - horizonMs;
            windows.keys.values().removeIf(start -> start < oldest);
        }
    }

    private boolean add(L7Entry e) {
        L7Totals totals = l7.computeIfAbsent(new L7Series(e.side(), e.clientService(), e.serverService(), e.destination(),
                e.protocol(), e.status()), s -> new L7Totals());
        totals.requests += e.requests();
        totals.errors += e.errors();
        totals.latencySumNanos += e.latencySumNanos();
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            totals.buckets[i] += e.bucketCounts()[i];
        }
        return true;
    }

    private boolean add(TcpEntry e) {
        TcpTotals totals = tcp.computeIfAbsent(new TcpSeries(e.clientService(), e.destination(), e.serverService()),
                s -> new TcpTotals());
        totals.successfulConnects += e.successfulConnects();
        totals.failedConnects += e.failedConnects();
        totals.connectTimeNanos += e.connectTimeNanos();
        totals.retransmits += e.retransmits();
        totals.bytesSent += e.bytesSent();
        totals.bytesReceived += e.bytesReceived();
        if (e.activeWindowStartMs() >= totals.activeWindowStartMs) {
            totals.activeWindowStartMs = e.activeWindowStartMs();
            totals.activeConnections = e.activeConnections();
        }
        return true;
    }

    private static String key(L7Metric m) {
        return new L7MetricKey(m.getSide(), m.getClientService(), m.getServerService(), m.getDestination(),
                m.getProtocol(), m.getStatus(), m.getWindowStartEpochMs()).format();
    }

    private static String key(TcpMetric m) {
        return new TcpMetricKey(m.getClientService(), m.getDestination(), m.getServerService(),
                m.getWindowStartEpochMs()).format();
    }

    /** One window as an entry of its series. */
    private static L7Entry entry(L7Metric m) {
        long[] buckets = new long[LatencyBuckets.COUNT];
        LatencyBuckets.add(m.getLatencyBucketBoundsSeconds(), m.getLatencyBucketCounts(), buckets);
        return new L7Entry(m.getSide(), m.getClientService(), m.getServerService(), m.getDestination(),
                m.getProtocol(), m.getStatus(), m.getRequests(), m.getErrors(),
                Math.round(m.getLatencySumSeconds() * 1e9), buckets);
    }

    /** One window as an entry of its series; {@code activeWindowStartMs} is the window's start. */
    private static TcpEntry entry(TcpMetric m) {
        return new TcpEntry(m.getClientService(), m.getDestination(), m.getServerService(), m.getSuccessfulConnects(),
                m.getFailedConnects(), Math.round(m.getConnectTimeSumSeconds() * 1e9), m.getRetransmits(),
                m.getBytesSent(), m.getBytesReceived(), m.getWindowStartEpochMs(), m.getActiveConnections());
    }

    /** The totals with the open windows added: what {@code /metrics} shows. */
    CounterSnapshot snapshot() {
        CounterState shown = new CounterState(Duration.ofMillis(horizonMs));
        l7Entries().forEach(shown::add);
        tcpEntries().forEach(shown::add);
        openL7.values().forEach(open -> shown.add(open.entry()));
        openTcp.values().forEach(shown::add);
        return new CounterSnapshot(shown.l7Entries(), shown.tcpEntries(), skippedCopy(), oomKills, dnsEntries());
    }

    CounterFileContent content() {
        Map<String, Long> offsetsByName = new TreeMap<>();
        offsets.forEach((partition, offset) -> offsetsByName.put(partition.toString(), offset));
        Map<String, CounterFileContent.CountedWindows> countedByName = new TreeMap<>();
        counted.forEach((partition, windows) -> countedByName.put(partition.toString(),
                new CounterFileContent.CountedWindows(windows.newestWindowStartMs, new TreeMap<>(windows.keys))));
        return new CounterFileContent(CounterFileContent.VERSION, offsetsByName, l7Entries(), tcpEntries(),
                countedByName, skippedCopy(), new TreeMap<>(openL7), new TreeMap<>(openTcp), new TreeMap<>(oomKills),
                dnsEntries());
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
        if (content.openL7() != null) {
            state.openL7.putAll(content.openL7());
        }
        if (content.openTcp() != null) {
            state.openTcp.putAll(content.openTcp());
        }
        if (content.oomKills() != null) {
            state.oomKills.putAll(content.oomKills());
        }
        if (content.dns() != null) {
            for (DnsEntry e : content.dns()) {
                L7Totals totals = new L7Totals();
                totals.requests = e.requests();
                totals.latencySumNanos = e.latencySumNanos();
                System.arraycopy(e.bucketCounts(), 0, totals.buckets, 0, LatencyBuckets.COUNT);
                state.dns.put(new DnsSeries(e.clientService(), e.requestType(), e.domain(), e.status()), totals);
            }
        }
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

    private List<DnsEntry> dnsEntries() {
        List<DnsEntry> entries = new ArrayList<>(dns.size());
        dns.forEach((s, t) -> entries.add(new DnsEntry(s.client(), s.requestType(), s.domain(), s.status(), t.requests,
                t.latencySumNanos, t.buckets.clone())));
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
