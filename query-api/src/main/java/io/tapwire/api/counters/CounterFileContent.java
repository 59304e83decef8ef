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
 */
record CounterFileContent(int version, Map<String, Long> offsets, List<L7Entry> l7, List<TcpEntry> tcp,
                          Map<String, CountedWindows> counted, Map<String, Map<String, Long>> skipped) {

    static final int VERSION = 1;

    /**
     * The final windows counted from one partition that a delivery of the same key again must not count a second
     * time: each key with its window start, kept while it is within the dedup horizon of {@code newestWindowStartMs}.
     */
    record CountedWindows(long newestWindowStartMs, Map<String, Long> keys) {
    }
}
