package io.tapwire.api.counters;

/**
 * Cumulative counts of the DNS requests one service made, by query type, name and answer: Coroot's
 * {@code container_dns_requests_total} labels. Counted per request from {@code tapwire.l7.requests.v1} (the client's
 * observations), because {@code tapwire.l7.metrics.v1} carries neither the type nor the name.
 *
 * @param requestType     the query type ({@code A}, {@code AAAA}, …; empty when the query could not be read)
 * @param domain          the name asked for (empty when it could not be read)
 * @param status          the RCODE name as the topology writes it ({@code ok}, {@code nxdomain}, …)
 * @param latencySumNanos sum of the durations, nanoseconds
 * @param bucketCounts    per-bucket counts in {@link LatencyBuckets}' layout, not cumulative
 */
public record DnsEntry(String clientService, String requestType, String domain, String status, long requests,
                       long latencySumNanos, long[] bucketCounts) {
}
