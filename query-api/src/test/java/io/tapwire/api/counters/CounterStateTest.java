package io.tapwire.api.counters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.tapwire.schemas.derived.L7Metric;
import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import io.tapwire.schemas.derived.TcpMetric;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CounterStateTest {

    private static final TopicPartition L7 = new TopicPartition("tapwire.l7.metrics.v1", 0);
    private static final TopicPartition TCP = new TopicPartition("tapwire.tcp.metrics.v1", 1);
    private static final List<Double> BOUNDS = List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    private static final long MINUTE = 60_000;

    private static L7Metric l7(String status, long windowStartMs, long requests) {
        Long[] counts = new Long[12];
        Arrays.fill(counts, 0L);
        counts[1] = requests;
        return L7Metric.newBuilder().setSide("client").setClientService("a").setServerService("b")
                .setDestination("10.0.0.1:80").setProtocol("http").setStatus(status)
                .setWindowStartEpochMs(windowStartMs).setWindowEndEpochMs(windowStartMs + 10_000)
                .setRequests(requests).setLatencySumSeconds(0.0075 * requests)
                .setLatencyBucketBoundsSeconds(BOUNDS).setLatencyBucketCounts(List.of(counts)).setFinal$(true).build();
    }

    private static L7Metric update(String status, long windowStartMs, long requests) {
        return L7Metric.newBuilder(l7(status, windowStartMs, requests)).setFinal$(false).build();
    }

    private static long requests(CounterState state) {
        return state.snapshot().l7().stream().mapToLong(L7Entry::requests).sum();
    }

    private static TcpMetric tcp(long windowStartMs, long connects, long active) {
        return TcpMetric.newBuilder().setClientService("a").setDestination("10.0.0.1:80").setServerService("b")
                .setWindowStartEpochMs(windowStartMs).setSuccessfulConnects(connects).setActiveConnections(active)
                .setConnectTimeSumSeconds(0.001).setFinal$(true).build();
    }

    @Test
    void aFinalWindowCountsOnceHoweverOftenItIsDelivered() {
        CounterState state = new CounterState(Duration.ofHours(1));

        assertThat(state.addFinal(L7, l7("200", 0, 3))).isTrue();
        assertThat(state.addFinal(L7, l7("200", 0, 3))).isFalse();
        assertThat(state.addFinal(L7, l7("200", 10_000, 2))).isTrue();

        CounterSnapshot snapshot = state.snapshot();
        assertThat(snapshot.l7()).singleElement().satisfies(e -> {
            assertThat(e.requests()).isEqualTo(5);
            assertThat(e.latencySumNanos()).isEqualTo(37_500_000);
            assertThat(e.bucketCounts()[1]).isEqualTo(5);
        });
        assertThat(snapshot.skipped()).containsEntry("tapwire.l7.metrics.v1", Map.of("duplicate", 1L));
    }

    @Test
    void aFinalOlderThanTheDedupHorizonOfItsPartitionIsNotCounted() {
        CounterState state = new CounterState(Duration.ofMinutes(10));
        state.addFinal(L7, l7("200", 60 * MINUTE, 1));

        assertThat(state.addFinal(L7, l7("200", 51 * MINUTE, 1))).as("within the horizon").isTrue();
        assertThat(state.addFinal(L7, l7("200", 49 * MINUTE, 1))).as("beyond it").isFalse();
        assertThat(state.addFinal(new TopicPartition(L7.topic(), 2), l7("200", 0, 1)))
                .as("another partition has its own horizon").isTrue();
        assertThat(state.snapshot().skipped().get(L7.topic())).containsEntry("beyond-dedup-horizon", 1L);
    }

    @Test
    void activeConnectionsAreTheLatestFinalWindowsValue() {
        CounterState state = new CounterState(Duration.ofHours(1));
        state.addFinal(TCP, tcp(20_000, 1, 4));
        state.addFinal(TCP, tcp(10_000, 2, 9));

        assertThat(state.snapshot().tcp()).singleElement().satisfies(e -> {
            assertThat(e.successfulConnects()).isEqualTo(3);
            assertThat(e.connectTimeNanos()).isEqualTo(2_000_000);
            assertThat(e.activeConnections()).isEqualTo(4);
            assertThat(e.activeWindowStartMs()).isEqualTo(20_000);
        });
    }

    @Test
    void theFileKeepsCountsOffsetsAndCountedKeysTogether(@TempDir Path dir) throws Exception {
        CounterState state = new CounterState(Duration.ofHours(1));
        state.addFinal(L7, l7("200", 0, 3));
        state.addFinal(TCP, tcp(0, 2, 1));
        state.readUpTo(L7, 42);
        state.readUpTo(TCP, 7);
        CounterFile file = new CounterFile(dir);
        file.write(state.content());

        CounterState loaded = CounterState.of(file.read().orElseThrow(), Duration.ofHours(1));

        assertThat(loaded.offsets()).containsEntry(L7, 42L).containsEntry(TCP, 7L);
        assertThat(loaded.snapshot()).usingRecursiveComparison().isEqualTo(state.snapshot());
        assertThat(loaded.addFinal(L7, l7("200", 0, 3))).as("counted before the restart").isFalse();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly(CounterFile.NAME);
    }

    @Test
    void prunedKeysAreGoneFromTheFileAndOnlyThose(@TempDir Path dir) throws Exception {
        CounterState state = new CounterState(Duration.ofMinutes(10));
        state.addFinal(L7, l7("200", 0, 1));
        state.addFinal(L7, l7("200", 30 * MINUTE, 1));
        state.prune();

        CounterFileContent content = state.content();
        assertThat(content.counted().get(L7.toString()).keys()).hasSize(1);
        assertThat(content.l7()).singleElement().satisfies(e -> assertThat(e.requests()).isEqualTo(2));
    }

    @Test
    void aFirstStartHasNoFile(@TempDir Path dir) {
        assertThat(new CounterFile(dir).read()).isEmpty();
    }

    @Test
    void anUnreadableFileStopsTheStartWithAMessageSayingWhatToDo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(CounterFile.NAME), "{\"version\": 1, \"offsets\": ");

        assertThatThrownBy(() -> new CounterFile(dir).read())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve(CounterFile.NAME).toAbsolutePath().toString())
                .hasMessageContaining("delete it")
                .hasMessageContaining("tapwire.api.state-dir");
    }

    @Test
    void aFileOfAnotherVersionIsRefused(@TempDir Path dir) throws Exception {
        CounterFileContent content = new CounterState(Duration.ofHours(1)).content();
        new CounterFile(dir).write(new CounterFileContent(99, content.offsets(), content.l7(), content.tcp(),
                content.counted(), content.skipped(), content.openL7(), content.openTcp(), content.oomKills(),
                content.dns()));

        assertThatThrownBy(() -> new CounterFile(dir).read()).hasMessageContaining("version 99");
    }

    @Test
    void anOpenWindowCountsFromItsLatestUpdateAndItsFinalTakesItsPlace() {
        CounterState state = new CounterState(Duration.ofHours(1));
        state.addFinal(L7, l7("200", 0, 5));
        state.addUpdate(L7, update("200", 10_000, 2));
        assertThat(requests(state)).as("a final window and an open one").isEqualTo(7);
        state.addUpdate(L7, update("200", 10_000, 4));
        assertThat(requests(state)).as("the open window's latest update").isEqualTo(9);
        state.addUpdate(L7, update("200", 10_000, 3));
        assertThat(requests(state)).as("an older update arriving late does not take a counter back").isEqualTo(9);

        assertThat(state.addFinal(L7, l7("200", 10_000, 6))).isTrue();
        assertThat(requests(state)).as("the final replaces the open window").isEqualTo(11);
        state.addUpdate(L7, update("200", 10_000, 6));
        assertThat(requests(state)).as("an update after the final counts nothing").isEqualTo(11);
        assertThat(state.snapshot().l7()).singleElement().satisfies(e -> assertThat(Arrays.stream(e.bucketCounts()).sum())
                .as("the histogram counts what the counter counts").isEqualTo(11));
    }

    @Test
    void openTcpWindowsCountAndTheNewestWindowGivesTheActiveConnections() {
        CounterState state = new CounterState(Duration.ofHours(1));
        state.addFinal(TCP, tcp(0, 2, 5));
        state.addUpdate(TCP, TcpMetric.newBuilder(tcp(10_000, 1, 3)).setFinal$(false).build());

        assertThat(state.snapshot().tcp()).singleElement().satisfies(e -> {
            assertThat(e.successfulConnects()).isEqualTo(3);
            assertThat(e.activeConnections()).as("from the open window, the newest").isEqualTo(3);
        });
    }

    @Test
    void openWindowsSurviveARestartSoNoCounterGoesBack(@TempDir Path dir) throws Exception {
        CounterState state = new CounterState(Duration.ofHours(1));
        state.addFinal(L7, l7("200", 0, 5));
        state.addUpdate(L7, update("200", 10_000, 2));
        CounterFile file = new CounterFile(dir);
        file.write(state.content());

        CounterState loaded = CounterState.of(file.read().orElseThrow(), Duration.ofHours(1));

        assertThat(requests(loaded)).isEqualTo(7);
        loaded.addFinal(L7, l7("200", 10_000, 3));
        assertThat(requests(loaded)).as("its final, read after the restart, replaces it").isEqualTo(8);
    }

    @Test
    void aVersionOneFileReadsAsOneWithoutOpenWindows(@TempDir Path dir) throws Exception {
        CounterState state = new CounterState(Duration.ofHours(1));
        state.addFinal(L7, l7("200", 0, 5));
        CounterFileContent content = state.content();
        new CounterFile(dir).write(new CounterFileContent(1, content.offsets(), content.l7(), content.tcp(),
                content.counted(), content.skipped(), null, null, null, null));

        assertThat(requests(CounterState.of(new CounterFile(dir).read().orElseThrow(), Duration.ofHours(1)))).isEqualTo(5);
    }

    @Test
    void dnsRequestsCountPerClientQueryTypeNameAndAnswerAndSurviveARestart(@TempDir Path dir) throws Exception {
        CounterState state = new CounterState(Duration.ofHours(1));
        state.addRequest(dns(ObservedSide.CLIENT, "A", "example.com", "ok", 3_000_000));
        state.addRequest(dns(ObservedSide.CLIENT, "A", "example.com", "ok", 40_000_000));
        state.addRequest(dns(ObservedSide.CLIENT, "AAAA", "missing.example.com", "nxdomain", 2_000_000));
        state.addRequest(dns(ObservedSide.SERVER, "A", "example.com", "ok", 1_000_000));
        state.addRequest(L7Request.newBuilder(dns(ObservedSide.CLIENT, "GET", "/", "200", 1_000_000))
                .setProtocol("http").build());

        CounterFile file = new CounterFile(dir);
        file.write(state.content());
        CounterSnapshot restarted = CounterState.of(file.read().orElseThrow(), Duration.ofHours(1)).snapshot();

        assertThat(restarted.dns()).as("the client's DNS requests only; the server's view and HTTP count elsewhere")
                .hasSize(2).allSatisfy(e -> assertThat(e.clientService()).isEqualTo("/host/curl"));
        DnsEntry found = restarted.dns().stream().filter(e -> e.domain().equals("example.com")).findFirst().orElseThrow();
        assertThat(found.requestType()).isEqualTo("A");
        assertThat(found.status()).isEqualTo("ok");
        assertThat(found.requests()).isEqualTo(2);
        assertThat(found.latencySumNanos()).isEqualTo(43_000_000);
        assertThat(found.bucketCounts()[0]).as("3 ms, under 5 ms").isEqualTo(1);
        assertThat(found.bucketCounts()[3]).as("40 ms, under 50 ms").isEqualTo(1);
        assertThat(restarted.dns()).filteredOn(e -> e.status().equals("nxdomain")).singleElement()
                .satisfies(e -> assertThat(e.requestType()).isEqualTo("AAAA"));
    }

    private static L7Request dns(ObservedSide side, String type, String name, String status, long durationNs) {
        return L7Request.newBuilder().setCluster("c").setNode("n").setBootId("b").setSocketInode(7).setSide(side)
                .setClientService("/host/curl").setServerService("/host/dnsmasq").setDestination("127.0.0.1:53")
                .setCountingSide(side == ObservedSide.CLIENT).setProtocol("dns").setOperation(type).setResource(name)
                .setStatus(status).setError(false).setStartEpochNs(1).setDurationNs(durationNs).setRequestBytes(40)
                .setResponseBytes(80).setPid(10).setProcessStartTicks(1).setTid(10).setNetnsInode(1)
                .setLocalAddress("127.0.0.1").setLocalPort(40000).setRemoteAddress("127.0.0.1").setRemotePort(53)
                .build();
    }

    @Test
    void anOpenWindowWhoseFinalNeverComesIsFoldedInOnceBeyondTheHorizon() {
        CounterState state = new CounterState(Duration.ofMinutes(10));
        state.addUpdate(L7, update("200", 0, 2));
        state.addFinal(L7, l7("200", 30 * MINUTE, 1));
        state.prune();

        assertThat(state.content().openL7()).isEmpty();
        assertThat(state.content().l7()).singleElement().satisfies(e -> assertThat(e.requests()).isEqualTo(3));
        assertThat(requests(state)).isEqualTo(3);
    }
}
