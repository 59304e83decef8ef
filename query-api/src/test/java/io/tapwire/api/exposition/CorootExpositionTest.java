package io.tapwire.api.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.tapwire.api.CorootGolden;
import io.tapwire.api.StrictExpositionParser;
import io.tapwire.api.StrictExpositionParser.Family;
import io.tapwire.api.counters.CounterSnapshot;
import io.tapwire.api.counters.DnsEntry;
import io.tapwire.api.counters.L7Entry;
import io.tapwire.api.counters.TcpEntry;
import org.junit.jupiter.api.Test;

class CorootExpositionTest {

    private static final String API = "/system.slice/api.service";
    private static final String NGINX = "/system.slice/nginx.service";

    private static long[] buckets(long... counts) {
        long[] all = new long[12];
        System.arraycopy(counts, 0, all, 0, counts.length);
        return all;
    }

    private static L7Entry l7(String side, String protocol, String status, long requests, long errors, long[] buckets,
                              long sumNanos) {
        return new L7Entry(side, API, NGINX, "10.0.0.1:80", protocol, status, requests, errors, sumNanos, buckets);
    }

    private static Map<String, Family> render(CounterSnapshot snapshot) {
        return StrictExpositionParser.parse(CorootExposition.render(snapshot));
    }

    @Test
    void outboundHttpRequestsAreCountedByStatusClassAndTheirLatenciesSummedOverStatuses() {
        Map<String, Family> families = render(new CounterSnapshot(List.of(
                l7("client", "http", "200", 3, 0, buckets(2, 1), 12_000_000),
                l7("client", "http", "204", 1, 0, buckets(0, 0, 1), 20_000_000),
                l7("client", "http", "503", 2, 2, buckets(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2), 30_000_000_000L)),
                List.of(), Map.of()));

        Family requests = families.get("container_http_requests_total");
        Map<String, String> where = Map.of("container_id", API, "destination", "10.0.0.1:80",
                "actual_destination", "10.0.0.1:80");
        assertThat(requests.type()).isEqualTo("counter");
        assertThat(requests.value("container_http_requests_total", with(where, "status", "2xx"))).isEqualTo(4);
        assertThat(requests.value("container_http_requests_total", with(where, "status", "5xx"))).isEqualTo(2);

        Family latency = families.get("container_http_requests_duration_seconds_total");
        String name = "container_http_requests_duration_seconds_total";
        assertThat(latency.type()).isEqualTo("histogram");
        assertThat(latency.value(name + "_bucket", with(where, "le", "0.005"))).isEqualTo(2);
        assertThat(latency.value(name + "_bucket", with(where, "le", "0.01"))).isEqualTo(3);
        assertThat(latency.value(name + "_bucket", with(where, "le", "0.025"))).isEqualTo(4);
        assertThat(latency.value(name + "_bucket", with(where, "le", "10"))).isEqualTo(4);
        assertThat(latency.value(name + "_bucket", with(where, "le", "+Inf"))).isEqualTo(6);
        assertThat(latency.value(name + "_count", where)).isEqualTo(6);
        assertThat(latency.value(name + "_sum", where)).isEqualTo(30.032);
    }

    @Test
    void theServersViewGoesToTheInboundFamiliesLabelledByTheServer() {
        Map<String, Family> families = render(new CounterSnapshot(List.of(
                l7("server", "postgres", "ok", 5, 0, buckets(5), 1_000_000),
                l7("server", "postgres", "failed", 1, 1, buckets(1), 1_000_000)), List.of(), Map.of()));

        assertThat(families).containsOnlyKeys("container_postgres_inbound_queries_total",
                "container_postgres_inbound_queries_duration_seconds_total");
        Family requests = families.get("container_postgres_inbound_queries_total");
        assertThat(requests.value("container_postgres_inbound_queries_total",
                Map.of("container_id", NGINX, "status", "ok"))).isEqualTo(5);
        assertThat(requests.value("container_postgres_inbound_queries_total",
                Map.of("container_id", NGINX, "status", "failed"))).isEqualTo(1);
        assertThat(families.get("container_postgres_inbound_queries_duration_seconds_total")
                .value("container_postgres_inbound_queries_duration_seconds_total_count",
                        Map.of("container_id", NGINX))).isEqualTo(6);
    }

    @Test
    void http2AndGrpcAreFoldedIntoHttpAsCorootDoes() {
        Map<String, Family> families = render(new CounterSnapshot(List.of(
                l7("client", "http2", "200", 1, 0, buckets(1), 0),
                l7("client", "grpc", "200", 1, 0, buckets(1), 0)), List.of(), Map.of()));

        assertThat(families.get("container_http_requests_total").value("container_http_requests_total",
                Map.of("container_id", API, "destination", "10.0.0.1:80", "actual_destination", "10.0.0.1:80",
                        "status", "2xx"))).isEqualTo(2);
    }

    @Test
    void protocolsWhoseCorootLabelsTapwireCannotFillAreLeftOut() {
        Map<String, Family> families = render(new CounterSnapshot(List.of(
                l7("client", "dns", "nxdomain", 1, 0, buckets(1), 0),
                l7("client", "nats", "ok", 1, 0, buckets(1), 0),
                l7("client", "smtp", "ok", 1, 0, buckets(1), 0),
                l7("unknown", "http", "200", 1, 0, buckets(1), 0),
                new L7Entry("client", "", NGINX, "10.0.0.1:80", "http", "200", 1, 0, 0, buckets(1))),
                List.of(), Map.of()));

        assertThat(families).isEmpty();
    }

    @Test
    void tcpFamiliesFollowCorootsLabelSets() {
        Map<String, Family> families = render(new CounterSnapshot(List.of(), List.of(
                new TcpEntry(API, "10.0.0.1:80", NGINX, 4, 1, 3_500_000, 7, 1100, 5200, 1_000, 2),
                new TcpEntry(API, "10.0.0.1:80", "/system.slice/other.service", 1, 0, 0, 0, 0, 0, 1_000, 1)),
                Map.of()));

        Map<String, String> where = Map.of("container_id", API, "destination", "10.0.0.1:80",
                "actual_destination", "10.0.0.1:80");
        assertThat(value(families, "container_net_tcp_successful_connects_total", where)).isEqualTo(5);
        assertThat(value(families, "container_net_tcp_failed_connects_total",
                Map.of("container_id", API, "destination", "10.0.0.1:80"))).isEqualTo(1);
        assertThat(value(families, "container_net_tcp_connection_time_seconds_total", where)).isEqualTo(0.0035);
        assertThat(value(families, "container_net_tcp_active_connections", where)).isEqualTo(3);
        assertThat(families.get("container_net_tcp_active_connections").type()).isEqualTo("gauge");
        assertThat(value(families, "container_net_tcp_retransmits_total", where)).isEqualTo(7);
        assertThat(value(families, "container_net_tcp_bytes_sent_total", where)).isEqualTo(1100);
        assertThat(value(families, "container_net_tcp_bytes_received_total", where)).isEqualTo(5200);
    }

    @Test
    void labelValuesAreEscapedAndTheOutputIsStable() {
        CounterSnapshot snapshot = new CounterSnapshot(List.of(new L7Entry("client", "/docker/a\"b\\c\nd", NGINX,
                "[fe80::1]:80", "redis", "ok", 1, 0, 0, buckets(1))), List.of(), Map.of());

        String text = CorootExposition.render(snapshot);
        assertThat(text).contains("container_id=\"/docker/a\\\"b\\\\c\\nd\"");
        assertThat(CorootExposition.render(snapshot)).isEqualTo(text);
        assertThat(StrictExpositionParser.parse(text).get("container_redis_queries_total")
                .value("container_redis_queries_total", Map.of("container_id", "/docker/a\"b\\c\nd",
                        "destination", "[fe80::1]:80", "actual_destination", "[fe80::1]:80", "status", "ok")))
                .isEqualTo(1);
    }

    @Test
    void skippedRecordsAreCountedInTapwiresOwnFamily() {
        Map<String, Family> families = render(new CounterSnapshot(List.of(), List.of(),
                Map.of("tapwire.l7.metrics.v1", Map.of("duplicate", 2L))));

        assertThat(value(families, "tapwire_api_counter_records_skipped_total",
                Map.of("topic", "tapwire.l7.metrics.v1", "reason", "duplicate"))).isEqualTo(2);
    }

    @Test
    void runningServicesTheirListenAddressesAndOomKillsAreCorootsGaugesAndCounter() {
        CounterSnapshot counters = new CounterSnapshot(List.of(), List.of(), Map.of(), Map.of(NGINX, 2L), List.of());
        CorootExposition.Inventory inventory = new CorootExposition.Inventory(new TreeSet<>(Set.of(NGINX, API)),
                new TreeMap<>(Map.of(NGINX, new TreeSet<>(Set.of("10.0.0.1:80", "127.0.0.1:80")))));

        Map<String, Family> families = StrictExpositionParser.parse(CorootExposition.render(counters, inventory));

        CorootGolden.check(families);
        assertThat(value(families, "container_oom_kills_total", Map.of("container_id", NGINX))).isEqualTo(2);
        assertThat(value(families, "container_info", Map.of("container_id", API, "image", "",
                "systemd_triggered_by", ""))).isEqualTo(1);
        assertThat(families.get("container_net_tcp_listen_info").samples()).hasSize(2).allSatisfy(sample -> {
            assertThat(sample.labels()).containsEntry("container_id", NGINX).containsEntry("proxy", "");
            assertThat(sample.value()).isEqualTo(1);
        });
    }

    @Test
    void dnsRequestsAreCorootsFamiliesByTypeNameAndAnswerWithOneHistogramPerContainer() {
        CounterSnapshot counters = new CounterSnapshot(List.of(), List.of(), Map.of(), Map.of(), List.of(
                new DnsEntry(API, "A", "example.com", "ok", 3, 9_000_000, buckets(3)),
                new DnsEntry(API, "AAAA", "missing.example.com", "nxdomain", 1, 2_000_000, buckets(1)),
                new DnsEntry(API, "A", "odd.example.com", "yxdomain", 2, 1_000_000, buckets(2))));

        Map<String, Family> families = render(counters);

        CorootGolden.check(families);
        assertThat(value(families, "container_dns_requests_total", Map.of("container_id", API, "request_type", "A",
                "domain", "example.com", "status", "ok"))).isEqualTo(3);
        assertThat(value(families, "container_dns_requests_total", Map.of("container_id", API, "request_type", "AAAA",
                "domain", "missing.example.com", "status", "nxdomain"))).isEqualTo(1);
        assertThat(value(families, "container_dns_requests_total", Map.of("container_id", API, "request_type", "A",
                "domain", "odd.example.com", "status", "unknown"))).as("an RCODE Coroot does not name").isEqualTo(2);
        String histogram = "container_dns_requests_duration_seconds_total";
        assertThat(families.get(histogram).value(histogram + "_count", Map.of("container_id", API)))
                .as("one histogram over every name").isEqualTo(6);
        assertThat(families.get(histogram).value(histogram + "_sum", Map.of("container_id", API))).isEqualTo(0.012);
    }

    @Test
    void anEmptySnapshotIsAnEmptyExposition() {
        assertThat(CorootExposition.render(CounterSnapshot.EMPTY)).isEmpty();
    }

    private static double value(Map<String, Family> families, String name, Map<String, String> labels) {
        return families.get(name).value(name, labels);
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(labels);
        more.put(name, value);
        return more;
    }
}
