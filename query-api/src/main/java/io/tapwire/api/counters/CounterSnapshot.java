package io.tapwire.api.counters;

import java.util.List;
import java.util.Map;

/**
 * The counters as last written to the state directory: what {@code /metrics} shows. Never ahead of the file, so that
 * no restart shows less than a scrape saw before. Immutable.
 *
 * @param skipped  records not counted, by topic and reason ({@code duplicate}, {@code beyond-dedup-horizon},
 *                 {@code undecodable})
 * @param oomKills OOM kills per service, from {@code tapwire.events.v1}
 * @param dns      DNS requests by client service, type, name and answer, from {@code tapwire.l7.requests.v1}
 */
public record CounterSnapshot(List<L7Entry> l7, List<TcpEntry> tcp, Map<String, Map<String, Long>> skipped,
                              Map<String, Long> oomKills, List<DnsEntry> dns) {

    public static final CounterSnapshot EMPTY = new CounterSnapshot(List.of(), List.of(), Map.of());

    public CounterSnapshot {
        l7 = List.copyOf(l7);
        tcp = List.copyOf(tcp);
        skipped = Map.copyOf(skipped);
        oomKills = Map.copyOf(oomKills);
        dns = List.copyOf(dns);
    }

    /** Counters without OOM kills and DNS requests. */
    public CounterSnapshot(List<L7Entry> l7, List<TcpEntry> tcp, Map<String, Map<String, Long>> skipped) {
        this(l7, tcp, skipped, Map.of(), List.of());
    }
}
