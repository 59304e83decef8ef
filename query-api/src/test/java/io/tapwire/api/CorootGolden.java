package io.tapwire.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Coroot node agent's metric families that Tapwire exposes, with their types and label sets, written out from
 * the agent's source (coroot/coroot-node-agent: {@code containers/metrics.go} for the names and the TCP label lists,
 * {@code containers/l7.go} for the L7 labels; {@code container_id} is added to every family by the registry wrapper
 * in {@code containers/registry.go}). Kept literal, not derived from the API's own table, so that a change there that
 * drifts from Coroot fails a test.
 */
public final class CorootGolden {

    record Golden(String type, Set<String> labels) {
    }

    static final Map<String, Golden> FAMILIES = families();

    private CorootGolden() {
    }

    private static Map<String, Golden> families() {
        Map<String, Golden> f = new LinkedHashMap<>();
        Set<String> outbound = Set.of("container_id", "destination", "actual_destination", "status");
        Set<String> outboundHistogram = Set.of("container_id", "destination", "actual_destination");
        Set<String> inbound = Set.of("container_id", "status");
        Set<String> inboundHistogram = Set.of("container_id");
        for (String p : List.of("http_requests", "postgres_queries", "mysql_queries", "redis_queries",
                "memcached_queries", "mongo_queries", "cassandra_queries", "kafka_requests")) {
            String inboundName = p.replace("_requests", "_inbound_requests").replace("_queries", "_inbound_queries");
            f.put("container_" + p + "_total", new Golden("counter", outbound));
            f.put("container_" + p + "_duration_seconds_total", new Golden("histogram", outboundHistogram));
            f.put("container_" + inboundName + "_total", new Golden("counter", inbound));
            f.put("container_" + inboundName + "_duration_seconds_total", new Golden("histogram", inboundHistogram));
        }
        Set<String> tcp = Set.of("container_id", "destination", "actual_destination");
        f.put("container_net_tcp_successful_connects_total", new Golden("counter", tcp));
        f.put("container_net_tcp_connection_time_seconds_total", new Golden("counter", tcp));
        f.put("container_net_tcp_failed_connects_total", new Golden("counter", Set.of("container_id", "destination")));
        f.put("container_net_tcp_active_connections", new Golden("gauge", tcp));
        f.put("container_net_tcp_retransmits_total", new Golden("counter", tcp));
        f.put("container_net_tcp_bytes_sent_total", new Golden("counter", tcp));
        f.put("container_net_tcp_bytes_received_total", new Golden("counter", tcp));
        f.put("container_net_tcp_listen_info", new Golden("gauge", Set.of("container_id", "listen_addr", "proxy")));
        f.put("container_dns_requests_total", new Golden("counter",
                Set.of("container_id", "request_type", "domain", "status")));
        f.put("container_dns_requests_duration_seconds_total", new Golden("histogram", Set.of("container_id")));
        f.put("container_oom_kills_total", new Golden("counter", Set.of("container_id")));
        // container.go: the agent's meta information gauge, always 1
        f.put("container_info", new Golden("gauge", Set.of("container_id", "image", "systemd_triggered_by")));
        return Map.copyOf(f);
    }

    /** Every {@code container_} family of the exposition is one of Coroot's, with its type and label set. */
    public static void check(Map<String, StrictExpositionParser.Family> exposed) {
        exposed.forEach((name, family) -> {
            if (!name.startsWith("container_")) {
                return;
            }
            Golden golden = FAMILIES.get(name);
            if (golden == null) {
                throw new AssertionError(name + " is not a family of Coroot's node agent");
            }
            if (!golden.type().equals(family.type())) {
                throw new AssertionError(name + " is a " + family.type() + " but Coroot's is a " + golden.type());
            }
            if (!family.labelSets().equals(Set.of(golden.labels()))) {
                throw new AssertionError(name + " has label sets " + family.labelSets() + " but Coroot's is "
                        + golden.labels());
            }
        });
    }
}
