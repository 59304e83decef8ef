package io.tapwire.api.counters;

import java.util.List;
import java.util.Map;

/**
 * What the counters file holds, written as one JSON document so that the counts, the window keys they include and
 * the offsets they were read up to always change together.
 *
 * @param offsets  per {@code topic-partition}, the next offset to read
 * @param counted  per {@code topic-partition}, the window keys already counted and the newest window start seen
 * @param skipped  records not counted, by topic and reason
 * @param openL7   the latest update of each L7 window whose final has not come yet, by window key (version 2)
 * @param openTcp  the same for TCP windows (version 2)
 * @param oomKills OOM kills per service (version 2)
 * @param dns      DNS requests per service, type, name and answer (version 3)
 */
record CounterFileContent(int version, Map<String, Long> offsets, List<L7Entry> l7, List<TcpEntry> tcp,
                          Map<String, CountedWindows> counted, Map<String, Map<String, Long>> skipped,
                          Map<String, CounterState.OpenL7Window> openL7, Map<String, TcpEntry> openTcp,
                          Map<String, Long> oomKills, List<DnsEntry> dns) {

    /**
     * Version 2 added the open windows and the OOM kills, version 3 the DNS requests; an older file reads as one
     * without them (and {@code tapwire.l7.requests.v1}, whose offsets it lacks, is read from its earliest offset).
     */
    static final int VERSION = 3;
    static final int OLDEST_READABLE = 1;

    /**
     * The final windows counted from one partition that a delivery of the same key again must not count a second
     * time: each key with its window start, kept while it is within the dedup horizon of {@code newestWindowStartMs}.
     */
    record CountedWindows(long newestWindowStartMs, Map<String, Long> keys) {
    }
}
