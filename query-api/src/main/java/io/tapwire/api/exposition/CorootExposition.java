package io.tapwire.api.exposition;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.tapwire.api.Protocol;
import io.tapwire.api.counters.CounterSnapshot;
import io.tapwire.api.counters.DnsEntry;
import io.tapwire.api.counters.L7Entry;
import io.tapwire.api.counters.TcpEntry;
import io.tapwire.api.exposition.Exposition.Type;
import io.tapwire.api.exposition.Exposition.Unit;

/**
 * The counters in the metric families of Coroot's node agent, so that its dashboards and queries work on Tapwire
 * (names, types and label sets from the agent's {@code containers/metrics.go} and {@code containers/l7.go}):
 *
 * <ul>
 *   <li>{@code container_id} is the service id: the client's for what a client observed (the outbound families), the
 *       server's for what a server observed (the {@code _inbound_} families), as the agent labels each container's
 *       own view.</li>
 *   <li>Outbound request counters carry {@code destination} (the ip:port the client connected to),
 *       {@code actual_destination} (the same for now: Tapwire does not resolve NAT or service IPs) and
 *       {@code status}; their latency histograms only the two destinations; inbound counters only {@code status}, inbound
 *       histograms nothing but {@code container_id}.</li>
 *   <li>DNS, as the agent has it: {@code container_dns_requests_total} by {@code request_type}, {@code domain} and
 *       {@code status} (the RCODE name), and a latency histogram with nothing but {@code container_id}.</li>
 *   <li>The TCP families count what the client side saw ({@code tapwire.tcp.metrics.v1}), by destination;
 *       {@code container_net_tcp_failed_connects_total} has no {@code actual_destination} in the agent either.</li>
 * </ul>
 *
 * A series whose service id is empty (an end the topology could not name) is left out: the agent never has an empty
 * {@code container_id}. Besides Coroot's families, {@code tapwire_api_counter_records_skipped_total} counts the
 * metric records not counted, by reason.
 */
public final class CorootExposition {

    /** {@code text/plain; version=0.0.4}: the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String SKIPPED = "tapwire_api_counter_records_skipped_total";

    private CorootExposition() {
    }

    public static String render(CounterSnapshot counters) {
        return render(counters, Inventory.NONE);
    }

    /**
     * What runs now, for the gauges: the services with a running process ({@code container_info}) and the addresses
     * services listen on ({@code container_net_tcp_listen_info}).
     */
    public record Inventory(SortedSet<String> running, SortedMap<String, SortedSet<String>> listening) {
        public static final Inventory NONE = new Inventory(new TreeSet<>(), new TreeMap<>());
    }

    public static String render(CounterSnapshot counters, Inventory inventory) {
        Exposition out = new Exposition();
        // Coroot's agent labels each container with its image and the systemd unit that triggered it; Tapwire knows
        // neither yet, and an empty label is the same series as no label to Prometheus.
        inventory.running().forEach(service -> out.add("container_info", Type.GAUGE, Unit.COUNT,
                "Meta information about the container", Map.of("container_id", service, "image", "",
                        "systemd_triggered_by", ""), 1));
        inventory.listening().forEach((service, addresses) -> addresses.forEach(address -> out.add(
                "container_net_tcp_listen_info", Type.GAUGE, Unit.COUNT, "Listen address of the container",
                Map.of("container_id", service, "listen_addr", address, "proxy", ""), 1)));
        counters.oomKills().forEach((service, kills) -> out.add("container_oom_kills_total", Type.COUNTER, Unit.COUNT,
                "Total number of times the container was terminated by the OOM killer", Map.of("container_id", service),
                kills));
        counters.l7().forEach(entry -> l7(out, entry));
        counters.tcp().forEach(entry -> tcp(out, entry));
        counters.dns().forEach(entry -> dns(out, entry));
        counters.skipped().forEach((topic, reasons) -> reasons.forEach((reason, count) -> out.add(SKIPPED,
                Type.COUNTER, Unit.COUNT, "Records of the metric topics the API did not count, by reason",
                Map.of("topic", topic, "reason", reason), count)));
        return out.render();
    }

    private static void l7(Exposition out, L7Entry e) {
        Optional<Protocol> known = Protocol.byToken(e.protocol()).filter(Protocol::exposed);
        if (known.isEmpty()) {
            return;
        }
        Protocol protocol = known.get();
        boolean inbound;
        String container;
        if ("client".equals(e.side())) {
            inbound = false;
            container = e.clientService();
        } else if ("server".equals(e.side())) {
            inbound = true;
            container = e.serverService();
        } else {
            return;
        }
        if (container.isEmpty()) {
            return;
        }
        String requestsHelp = "Total number of " + (inbound ? "inbound " : "outbound ") + protocol.countedThings();
        String durationHelp = "Histogram of the response time of " + (inbound ? "inbound " : "outbound ")
                + protocol.countedThings() + ", seconds";
        Map<String, String> where = inbound
                ? Map.of("container_id", container)
                : Map.of("container_id", container, "destination", e.destination(),
                        "actual_destination", e.destination());
        StatusLabels.split(protocol, e.status(), e.requests(), e.errors()).forEach((status, count) -> {
            Map<String, String> labels = new HashMap<>(where);
            labels.put("status", status);
            out.add(protocol.requestsFamily(inbound), Type.COUNTER, Unit.COUNT, requestsHelp, labels, count);
        });
        out.observe(protocol.durationFamily(inbound), durationHelp, where, e.bucketCounts(), e.latencySumNanos());
    }

    /**
     * Coroot's two DNS families: requests by {@code request_type}, {@code domain} and {@code status} (the RCODE name),
     * and one latency histogram per container, over all its names.
     */
    private static void dns(Exposition out, DnsEntry e) {
        StatusLabels.split(Protocol.DNS, e.status(), e.requests(), 0).forEach((status, count) -> out.add(
                "container_dns_requests_total", Type.COUNTER, Unit.COUNT, "Total number of outbound DNS requests",
                Map.of("container_id", e.clientService(), "request_type", e.requestType(), "domain", e.domain(),
                        "status", status), count));
        // one histogram per container: the exposition adds up the entries of its names
        out.observe("container_dns_requests_duration_seconds_total",
                "Histogram of the response time of outbound DNS requests, seconds",
                Map.of("container_id", e.clientService()), e.bucketCounts(), e.latencySumNanos());
    }

    private static void tcp(Exposition out, TcpEntry e) {
        if (e.clientService().isEmpty()) {
            return;
        }
        Map<String, String> where = Map.of("container_id", e.clientService(), "destination", e.destination(),
                "actual_destination", e.destination());
        out.add("container_net_tcp_successful_connects_total", Type.COUNTER, Unit.COUNT,
                "Total number of successful TCP connects", where, e.successfulConnects());
        out.add("container_net_tcp_connection_time_seconds_total", Type.COUNTER, Unit.NANOS_AS_SECONDS,
                "Time spent on TCP connects (the handshakes), seconds", where, e.connectTimeNanos());
        out.add("container_net_tcp_failed_connects_total", Type.COUNTER, Unit.COUNT,
                "Total number of failed TCP connects",
                Map.of("container_id", e.clientService(), "destination", e.destination()), e.failedConnects());
        out.add("container_net_tcp_active_connections", Type.GAUGE, Unit.COUNT,
                "Number of active outbound connections, at the end of the latest closed window", where,
                e.activeConnections());
        out.add("container_net_tcp_retransmits_total", Type.COUNTER, Unit.COUNT,
                "Total number of retransmitted TCP segments", where, e.retransmits());
        out.add("container_net_tcp_bytes_sent_total", Type.COUNTER, Unit.COUNT,
                "Total number of bytes sent to the peer", where, e.bytesSent());
        out.add("container_net_tcp_bytes_received_total", Type.COUNTER, Unit.COUNT,
                "Total number of bytes received from the peer", where, e.bytesReceived());
    }
}
