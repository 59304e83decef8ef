package io.tapwire.streams.l7;

import static io.tapwire.streams.TopologyHarness.HOST_NS;
import static io.tapwire.streams.TopologyHarness.listen;
import static io.tapwire.streams.TopologyHarness.namespace;
import static io.tapwire.streams.TopologyHarness.process;
import static io.tapwire.streams.TopologyHarness.task;
import static io.tapwire.streams.TopologyHarness.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.ServiceEdge;
import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.schemas.raw.SocketTuple;
import io.tapwire.schemas.raw.TaskContext;
import io.tapwire.schemas.raw.TcpEventType;
import io.tapwire.schemas.raw.Transport;
import io.tapwire.streams.TopologyHarness;
import io.tapwire.streams.l7.dns.DnsMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * L7 requests from raw payload records to named requests: parsed per socket, then stamped with the services the
 * connection tracking decided for their connection, from each observed side.
 */
class RequestNamingTest {

    private static final String NGINX = "/system.slice/nginx.service";
    private static final String API = "/system.slice/api.service";
    private static final TaskContext CLIENT = task(100, 70, "api", HOST_NS);
    private static final TaskContext SERVER = task(300, 5, "nginx", HOST_NS);
    private static final SocketTuple CLIENT_END = tuple("10.0.0.2", 41003, "10.0.0.1", 8080);
    private static final SocketTuple SERVER_END = tuple("10.0.0.1", 8080, "10.0.0.2", 41003);

    @TempDir
    Path state;
    private TopologyHarness harness;

    private void start(Properties overrides) throws Exception {
        harness = new TopologyHarness(state, overrides);
        harness.exec("node-2", 100, 70, "/usr/bin/api", "0::/system.slice/api.service", HOST_NS, 0);
        harness.send(harness.snapshot("node-1", 100, List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.1")),
                List.of(process(300, 5, "/usr/sbin/nginx", "0::/system.slice/nginx.service", HOST_NS)),
                List.of(listen(HOST_NS, 900, 300, "0.0.0.0", 8080))), 100);
        harness.send(harness.snapshot("node-2", 100, List.of(namespace(HOST_NS, "127.0.0.1", "10.0.0.2")), List.of(), List.of()), 100);
        harness.quiet("node-1", 200, 3_200, 1_000);
    }

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void bothSidesOfARequestAreNamedAsTheirConnectionAndOnlyTheClientsCounts() throws Exception {
        start(new Properties());
        connectAndAccept(8, 9, 5_000);
        exchange(8, 9, "/users/42?tab=1", 5_100);
        settle(6_000);

        List<L7Request> requests = harness.requests.readValuesToList();
        assertThat(requests).extracting(L7Request::getSide).containsExactlyInAnyOrder(ObservedSide.CLIENT, ObservedSide.SERVER);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.getClientService()).isEqualTo(API);
            assertThat(r.getServerService()).isEqualTo(NGINX);
            assertThat(r.getDestination()).isEqualTo("10.0.0.1:8080");
            assertThat(r.getProtocol()).isEqualTo("http");
            assertThat(r.getOperation()).isEqualTo("GET");
            assertThat(r.getResource()).as("ids folded, query values dropped").isEqualTo("/users/{id}?tab");
            assertThat(r.getStatus()).isEqualTo("200");
        });
        assertThat(requests).filteredOn(L7Request::getCountingSide).singleElement()
                .extracting(L7Request::getSide).isEqualTo(ObservedSide.CLIENT);
    }

    @Test
    void eachSideHasItsMetricsAndTheServiceGraphCountsEachRequestOnceWithItsProtocol() throws Exception {
        start(new Properties());
        connectAndAccept(8, 9, 5_000);
        exchange(8, 9, "/a", 5_100);
        exchange(8, 9, "/b", 5_200);
        exchange(8, 9, "/c", 5_300);
        harness.quiet("node-1", 6_000, 60_000, 1_000);

        List<L7Metric> finals = harness.l7Metrics.readValuesToList().stream().filter(L7Metric::getFinal$).toList();
        assertThat(finals).extracting(L7Metric::getSide, L7Metric::getRequests, L7Metric::getCountingSide)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("client", 3L, true),
                        org.assertj.core.groups.Tuple.tuple("server", 3L, false));
        assertThat(finals).allSatisfy(m -> {
            assertThat(List.of(m.getClientService(), m.getServerService(), m.getDestination(), m.getProtocol(), m.getStatus()))
                    .containsExactly(API, NGINX, "10.0.0.1:8080", "http", "200");
            assertThat(m.getLatencyBucketCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
        });
        Map<String, ServiceEdge> edges = new HashMap<>();
        harness.edges.readKeyValuesToList().forEach(kv -> edges.put(kv.key, kv.value));
        assertThat(edges.values()).singleElement().satisfies(edge -> {
            assertThat(edge.getProtocols()).containsExactly("http", "tcp");
            assertThat(edge.getRequests()).as("counted once, from the client's side").isEqualTo(3);
            assertThat(edge.getConnects()).isEqualTo(1);
        });
    }

    @Test
    void aServerWhoseClientIsNotObservedNamesTheClientByItsAddressAndCounts() throws Exception {
        start(new Properties());
        harness.send(harness.event(TcpEventType.ACCEPT, "node-1", 9, ConnectionRole.SERVER, SERVER,
                tuple("10.0.0.1", 8080, "203.0.113.9", 50000)), 5_000);
        SocketTuple end = tuple("10.0.0.1", 8080, "203.0.113.9", 50000);
        harness.payload("node-1", 9, ConnectionRole.SERVER, SERVER, end, Direction.INGRESS, 0,
                request("/health"), L7Protocol.HTTP1, 5_100);
        harness.payload("node-1", 9, ConnectionRole.SERVER, SERVER, end, Direction.EGRESS, 0,
                response(), L7Protocol.HTTP1, 5_150);
        settle(6_000);

        assertThat(harness.requests.readValuesToList()).singleElement().satisfies(r -> {
            assertThat(r.getSide()).isEqualTo(ObservedSide.SERVER);
            assertThat(r.getClientService()).isEqualTo("203.0.113.9");
            assertThat(r.getServerService()).isEqualTo(NGINX);
            assertThat(r.getDestination()).isEqualTo("10.0.0.1:8080");
            assertThat(r.getCountingSide()).isTrue();
        });
    }

    @Test
    void aRequestWaitsForItsConnectionToBeDecidedAndNoLongerThanTheNameWait() throws Exception {
        start(new Properties());
        // nobody listens on 198.51.100.7:80 and its accepting end is not observed: the pairing waits its window (5 s)
        SocketTuple external = tuple("10.0.0.2", 41010, "198.51.100.7", 80);
        harness.send(harness.event(TcpEventType.CONNECT_OK, "node-2", 20, ConnectionRole.CLIENT, CLIENT, external), 5_000);
        harness.payload("node-2", 20, ConnectionRole.CLIENT, CLIENT, external, Direction.EGRESS, 0,
                request("/a"), L7Protocol.HTTP1, 5_100);
        harness.payload("node-2", 20, ConnectionRole.CLIENT, CLIENT, external, Direction.INGRESS, 0,
                response(), L7Protocol.HTTP1, 5_150);
        // a socket the tracking never heard of: after the name wait, its side is named by its process, the rest by address
        SocketTuple unknown = tuple("10.0.0.2", 41011, "198.51.100.8", 80);
        harness.payload("node-2", 21, ConnectionRole.CLIENT, CLIENT, unknown, Direction.EGRESS, 0,
                request("/b"), L7Protocol.HTTP1, 5_100);
        harness.payload("node-2", 21, ConnectionRole.CLIENT, CLIENT, unknown, Direction.INGRESS, 0,
                response(), L7Protocol.HTTP1, 5_150);
        harness.quiet("node-1", 6_000, 9_000, 1_000);
        assertThat(harness.requests.readValuesToList()).as("held while the pairing waits").isEmpty();

        harness.quiet("node-1", 10_000, 11_000, 1_000);
        assertThat(harness.requests.readValuesToList()).singleElement().satisfies(r -> {
            assertThat(r.getResource()).isEqualTo("/a");
            assertThat(r.getClientService()).isEqualTo(API);
            assertThat(r.getServerService()).as("decided EXTERNAL").isEqualTo("198.51.100.7:80");
        });

        harness.quiet("node-1", 12_000, 17_000, 1_000);
        assertThat(harness.requests.readValuesToList()).singleElement().satisfies(r -> {
            assertThat(r.getResource()).isEqualTo("/b");
            assertThat(r.getClientService()).as("the service of the process that wrote it").isEqualTo(API);
            assertThat(r.getServerService()).isEqualTo("198.51.100.8:80");
            assertThat(r.getCountingSide()).isTrue();
        });
    }

    @Test
    void anAddressADnsAnswerGaveTheClientsNodeNamesTheExternalServiceItConnectsTo() throws Exception {
        start(new Properties());
        SocketTuple resolver = tuple("10.0.0.2", 53000, "10.0.0.53", 53);
        harness.payload("node-2", 30, ConnectionRole.CLIENT, CLIENT, resolver, Transport.UDP, Direction.EGRESS, 0,
                DnsMessages.query(7, "api.example.com", DnsMessages.A), L7Protocol.DNS, 4_000);
        harness.payload("node-2", 30, ConnectionRole.CLIENT, CLIENT, resolver, Transport.UDP, Direction.INGRESS, 0,
                DnsMessages.response(7, "api.example.com", DnsMessages.A, 0, DnsMessages.a(198, 51, 100, 7)),
                L7Protocol.DNS, 4_010);
        SocketTuple external = tuple("10.0.0.2", 41020, "198.51.100.7", 80);
        harness.send(harness.event(TcpEventType.CONNECT_OK, "node-2", 31, ConnectionRole.CLIENT, CLIENT, external), 5_000);
        harness.payload("node-2", 31, ConnectionRole.CLIENT, CLIENT, external, Direction.EGRESS, 0,
                request("/v1/items"), L7Protocol.HTTP1, 5_100);
        harness.payload("node-2", 31, ConnectionRole.CLIENT, CLIENT, external, Direction.INGRESS, 0,
                response(), L7Protocol.HTTP1, 5_150);
        // the same address from another node, which resolved nothing: named by its address
        harness.exec("node-1", 500, 90, "/usr/bin/worker", "0::/system.slice/worker.service", HOST_NS, 5_000);
        harness.send(harness.event(TcpEventType.CONNECT_OK, "node-1", 32, ConnectionRole.CLIENT,
                task(500, 90, "worker", HOST_NS), tuple("10.0.0.1", 41021, "198.51.100.7", 80)), 5_000);
        settle(6_000);

        assertThat(harness.requests.readValuesToList()).filteredOn(r -> r.getProtocol().equals("http")).singleElement()
                .satisfies(r -> {
                    assertThat(r.getServerService()).isEqualTo("api.example.com:80");
                    assertThat(r.getDestination()).as("always the ip:port connected to").isEqualTo("198.51.100.7:80");
                });
        assertThat(harness.connections.readValuesToList()).extracting(c -> c.getNode() + " " + c.getServerService())
                .containsExactlyInAnyOrder("node-2 api.example.com:80", "node-1 198.51.100.7:80");
    }

    @Test
    void resourcesBeyondTheCapOfAServiceAreReportedAsOther() throws Exception {
        Properties capped = new Properties();
        capped.setProperty("tapwire.streams.l7-resources-per-service", "2");
        start(capped);
        connectAndAccept(8, 9, 5_000);
        exchange(8, 9, "/a", 5_100);
        exchange(8, 9, "/b", 5_200);
        exchange(8, 9, "/a", 5_300);
        exchange(8, 9, "/c", 5_400);
        settle(6_000);

        assertThat(harness.requests.readValuesToList()).filteredOn(r -> r.getSide() == ObservedSide.CLIENT)
                .extracting(L7Request::getResource).containsExactly("/a", "/b", "/a", "~other");
    }

    private void connectAndAccept(long clientInode, long serverInode, long atMs) {
        harness.send(harness.event(TcpEventType.CONNECT_OK, "node-2", clientInode, ConnectionRole.CLIENT, CLIENT,
                CLIENT_END).setHandshakeNs(250_000L), atMs);
        harness.send(harness.event(TcpEventType.ACCEPT, "node-1", serverInode, ConnectionRole.SERVER, SERVER,
                SERVER_END), atMs + 1);
    }

    private final java.util.Map<Long, long[]> offsets = new java.util.HashMap<>();

    /** One HTTP request and its response, seen at both ends. */
    private void exchange(long clientInode, long serverInode, String target, long atMs) {
        String request = request(target);
        String response = response();
        long[] client = offsets.computeIfAbsent(clientInode, i -> new long[2]);
        long[] server = offsets.computeIfAbsent(serverInode, i -> new long[2]);
        harness.payload("node-2", clientInode, ConnectionRole.CLIENT, CLIENT, CLIENT_END, Direction.EGRESS, client[0],
                request, L7Protocol.HTTP1, atMs);
        harness.payload("node-1", serverInode, ConnectionRole.SERVER, SERVER, SERVER_END, Direction.INGRESS, server[0],
                request, L7Protocol.HTTP1, atMs + 1);
        harness.payload("node-1", serverInode, ConnectionRole.SERVER, SERVER, SERVER_END, Direction.EGRESS, server[1],
                response, L7Protocol.HTTP1, atMs + 20);
        harness.payload("node-2", clientInode, ConnectionRole.CLIENT, CLIENT, CLIENT_END, Direction.INGRESS, client[1],
                response, L7Protocol.HTTP1, atMs + 21);
        client[0] += request.length();
        server[0] += request.length();
        server[1] += response.length();
        client[1] += response.length();
    }

    private static String request(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: 10.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\n\r\n";
    }

    private static String response() {
        return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";
    }

    /** Event time runs on well past the pairing window and the name wait. */
    private void settle(long fromMs) {
        harness.quiet("node-1", fromMs, fromMs + 15_000, 1_000);
    }
}
