package io.tapwire.api.services;

import static io.tapwire.api.windows.Windows.l7;
import static io.tapwire.api.windows.Windows.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.tapwire.api.graph.Edge;
import io.tapwire.api.graph.EdgeStore;
import io.tapwire.api.graph.Processes;
import io.tapwire.api.graph.ServiceDirectory;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.windows.L7Series;
import io.tapwire.api.windows.L7Window;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;
import io.tapwire.schemas.derived.ProcessInfo;
import io.tapwire.schemas.derived.ServiceKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceGraphQueryTest {

    private static final long T0 = Instant.parse("2026-01-31T12:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final TimeRange RANGE = new TimeRange(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 15 * MINUTE));

    private static final String API = "/system.slice/api.service";
    private static final String NGINX = "/system.slice/nginx.service";
    private static final String POSTGRES = "/system.slice/postgresql.service";
    private static final String CRON = "/host/cron";
    private static final String OLD = "/host/old-client";
    private static final String EXTERNAL = "10.9.9.9:443";
    private static final String UNOBSERVED = "10.1.1.1";

    private final L7Windows l7 = new L7Windows(Duration.ofHours(1), Duration.ofHours(24));
    private final WindowStore<TcpSeries, TcpWindow> tcp = new WindowStore<>(Duration.ofHours(1), Duration.ofHours(24));
    private final EdgeStore edges = new EdgeStore();
    private final ServiceDirectory directory = new ServiceDirectory(Duration.ofHours(24));
    private final ServiceGraphQuery query = new ServiceGraphQuery(l7, tcp, edges, directory);

    @BeforeEach
    void load() {
        process("node-a", 10, API, T0 - 60 * MINUTE, null);
        process("node-a", 20, NGINX, T0 - 60 * MINUTE, null);
        process("node-b", 21, NGINX, T0 + 5 * MINUTE, null);
        process("node-b", 30, POSTGRES, T0 - 60 * MINUTE, null);
        process("node-a", 40, CRON, T0 - 60 * MINUTE, T0 - 30 * MINUTE);

        L7Series apiToNginx = new L7Series("client", true, API, NGINX, "10.0.0.1:80", "http", "200");
        L7Series apiToNginx503 = new L7Series("client", true, API, NGINX, "10.0.0.1:80", "http", "503");
        L7Series nginxSaw = new L7Series("server", false, API, NGINX, "10.0.0.1:80", "http", "200");
        l7.put(apiToNginx, T0 - 10 * MINUTE, l7(0, new double[100]));
        l7.put(apiToNginx, T0 + MINUTE, l7(0, 0.001, 0.002));
        l7.put(apiToNginx503, T0 + MINUTE, l7(1, 0.3));
        l7.put(apiToNginx, T0 + 2 * MINUTE, l7(0, 0.004, 0.02));
        l7.put(nginxSaw, T0 + MINUTE, l7(0, 0.001, 0.002));
        l7.put(new L7Series("client", true, API, EXTERNAL, EXTERNAL, "http", "200"), T0 + 3 * MINUTE, l7(0, 0.05));
        l7.put(new L7Series("server", true, UNOBSERVED, NGINX, "10.0.0.1:80", "http", "200"), T0 + 4 * MINUTE,
                l7(0, 0.001, 0.001, 0.001, 0.001));

        TcpSeries toNginx1 = new TcpSeries(API, "10.0.0.1:80", NGINX);
        TcpSeries toNginx2 = new TcpSeries(API, "10.0.0.2:80", NGINX);
        tcp.put(toNginx1, T0 + MINUTE, tcp(T0 + MINUTE, 2, 0, 3, 0.002));
        tcp.put(toNginx1, T0 + 2 * MINUTE, tcp(T0 + 2 * MINUTE, 1, 1, 1, 0.004));
        tcp.put(toNginx2, T0 + 2 * MINUTE, tcp(T0 + 2 * MINUTE, 5, 0, 2, 0));

        edges.put("a", new Edge(API, POSTGRES, List.of("postgres", "tcp"), T0 - 60 * MINUTE, T0 + 5 * MINUTE));
        edges.put("b", new Edge(API, NGINX, List.of("http", "tcp"), T0 - 60 * MINUTE, T0 + 5 * MINUTE));
        edges.put("c", new Edge(OLD, NGINX, List.of("http"), T0 - 120 * MINUTE, T0 - 100 * MINUTE));
    }

    private void process(String node, int pid, String service, long startedAtMs, Long exitedAtMs) {
        ProcessInfo p = Processes.process(node, pid, service, ServiceKind.SYSTEMD, startedAtMs, exitedAtMs);
        directory.put(Processes.key(p), p);
    }

    @Test
    void theMapCountsEachRequestOnceFromTheCountingSideInTheRange() {
        ServiceMapView map = query.serviceMap(RANGE);

        assertThat(map.edges()).extracting(e -> e.client() + " -> " + e.server()).containsExactly(
                API + " -> " + NGINX, API + " -> " + POSTGRES, API + " -> " + EXTERNAL, UNOBSERVED + " -> " + NGINX);
        ServiceMapView.EdgeView apiToNginx = map.edges().get(0);
        assertThat(apiToNginx.requests()).as("server side and the window before the range not counted").isEqualTo(5);
        assertThat(apiToNginx.errors()).isEqualTo(1);
        assertThat(apiToNginx.errorRate()).isEqualTo(0.2);
        assertThat(apiToNginx.requestsPerSecond()).as("5 / 900 s to four significant digits").isEqualTo(0.005556);
        assertThat(apiToNginx.protocols()).containsExactly("http", "tcp");
        assertThat(apiToNginx.latencyMs().p50()).as("rank 2.5 of the 3 in (0, 5 ms]").isEqualTo(4.167);
        assertThat(map.edges().get(3).requests()).as("the server's view where the client is unobserved").isEqualTo(4);
    }

    @Test
    void edgeTcpFiguresAddUpOverWindowsAndDestinationsWithTheLatestOpenConnections() {
        TcpView tcpFigures = query.serviceMap(RANGE).edges().get(0).tcp();

        assertThat(tcpFigures.connects()).isEqualTo(8);
        assertThat(tcpFigures.failedConnects()).isEqualTo(1);
        assertThat(tcpFigures.activeConnections()).as("1 on the first destination's latest window, 2 on the second")
                .isEqualTo(3);
        assertThat(tcpFigures.rttMs()).isCloseTo(3.0, within(1e-9));
        assertThat(tcpFigures.bytesSent()).isEqualTo(800);
    }

    @Test
    void anEdgeSeenInTheRangeWithoutWindowsHasZerosAndNoLatency() {
        ServiceMapView.EdgeView apiToPostgres = query.serviceMap(RANGE).edges().get(1);

        assertThat(apiToPostgres.protocols()).containsExactly("postgres", "tcp");
        assertThat(apiToPostgres.requests()).isZero();
        assertThat(apiToPostgres.latencyMs()).isNull();
        assertThat(apiToPostgres.tcp().rttMs()).isNull();
    }

    @Test
    void nodesAreTheEdgesEndsAndTheServicesWithProcessesExternalWhenNoProcessIsKnown() {
        ServiceMapView map = query.serviceMap(RANGE);

        assertThat(map.nodes()).extracting(ServiceMapView.Node::id)
                .containsExactly(API, NGINX, POSTGRES, UNOBSERVED, EXTERNAL);
        assertThat(map.nodes()).filteredOn(n -> n.id().equals(EXTERNAL)).singleElement()
                .satisfies(n -> assertThat(n.kind()).isEqualTo("external"))
                .satisfies(n -> assertThat(n.external()).isTrue());
        assertThat(map.nodes()).filteredOn(n -> n.id().equals(NGINX)).singleElement()
                .satisfies(n -> assertThat(n.kind()).isEqualTo("systemd"));
    }

    @Test
    void servicesHaveInboundAndOutboundTrafficKindAndNodes() {
        List<ServiceView> services = query.services(RANGE);

        assertThat(services).extracting(ServiceView::service)
                .as("cron exited before the range; the old client's edge ended before it")
                .containsExactly(API, NGINX, POSTGRES, UNOBSERVED, EXTERNAL);
        ServiceView nginx = services.get(1);
        assertThat(nginx.inbound().requests()).isEqualTo(9);
        assertThat(nginx.inbound().errors()).isEqualTo(1);
        assertThat(nginx.outbound().requests()).isZero();
        assertThat(nginx.outbound().latencyMs()).isNull();
        assertThat(nginx.nodes()).containsExactly("node-a", "node-b");
        assertThat(nginx.protocols()).containsExactly("http");
        ServiceView api = services.get(0);
        assertThat(api.outbound().requests()).isEqualTo(6);
        assertThat(api.inbound().requests()).isZero();
        assertThat(api.kind()).isEqualTo("systemd");
        assertThat(api.external()).isFalse();
    }

    @Test
    void oneServiceIsAnsweredWhenKnownEvenWhenQuietInTheRange() {
        assertThat(query.service("/nope", RANGE)).isEmpty();
        ServiceView cron = query.service(CRON, RANGE).orElseThrow();
        assertThat(cron.kind()).isEqualTo("systemd");
        assertThat(cron.nodes()).as("no process in the range").isEmpty();
        assertThat(cron.inbound().requests()).isZero();
        assertThat(query.service(NGINX, RANGE).orElseThrow().inbound().requests()).isEqualTo(9);
        assertThat(query.service(EXTERNAL, RANGE).orElseThrow().external()).isTrue();
    }

    @Test
    void aRangeBeforeTheTrafficHasTheOlderWindowOnly() {
        TimeRange before = new TimeRange(Instant.ofEpochMilli(T0 - 15 * MINUTE), Instant.ofEpochMilli(T0));

        ServiceMapView map = query.serviceMap(before);

        assertThat(map.edges()).filteredOn(e -> e.client().equals(API) && e.server().equals(NGINX)).singleElement()
                .satisfies(e -> assertThat(e.requests()).isEqualTo(100))
                .satisfies(e -> assertThat(e.tcp().connects()).isZero());
    }
}
