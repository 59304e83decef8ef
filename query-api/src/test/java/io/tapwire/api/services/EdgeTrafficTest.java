package io.tapwire.api.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.tapwire.api.counters.LatencyBuckets;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.read.ServicePair;
import io.tapwire.api.windows.L7Series;
import io.tapwire.api.windows.L7Window;
import io.tapwire.api.windows.L7Windows;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;
import org.junit.jupiter.api.Test;

/**
 * The service map's traffic comes from the L7 sums kept per edge at ingest; this checks them against the sum of the
 * series themselves, the way the map was answered before the sums were kept: every edge's protocols, requests, errors
 * and latency buckets over many ranges of a varied dataset (both sides, several statuses and destinations per edge, a
 * second protocol on some, updates of windows already put, windows older than the window retention rolled up into
 * minutes, rollups older than the retention dropped, ranges partly or wholly outside the data).
 */
class EdgeTrafficTest {

    private static final long T0 = Instant.parse("2026-01-31T12:00:00Z").toEpochMilli();
    private static final long WINDOW = 10_000;
    private static final long MINUTE = 60_000;
    private static final String[] STATUSES = {"200", "404", "500", "503"};

    private final L7Windows l7 = new L7Windows(Duration.ofMinutes(5), Duration.ofMinutes(30));
    private final WindowStore<TcpSeries, TcpWindow> tcp = new WindowStore<>(Duration.ofMinutes(5),
            Duration.ofMinutes(30));

    @Test
    void theSumsPerEdgeAnswerExactlyAsTheSeriesAddedUp() {
        Random random = new Random(3);
        List<L7Series> series = varied(random, 12, 60);
        // 50 minutes of 10 s windows; each window of a series is there or not, some are put again with new figures
        for (long t = T0; t < T0 + 50 * MINUTE; t += WINDOW) {
            for (L7Series s : series) {
                if (random.nextInt(3) > 0) {
                    l7.put(s, t, window(random));
                }
                if (random.nextInt(20) == 0) {
                    l7.put(s, t - WINDOW * random.nextInt(6), window(random));
                }
            }
        }
        assertThat(l7.series().droppedUpdates()).as("late updates behind the window retention").isZero();
        // the newest window is one only the side that does not count saw: the horizons of the sums move with it
        L7Series notCounting = series.stream().filter(s -> !s.countingSide()).findFirst().orElseThrow();
        l7.put(notCounting, T0 + 53 * MINUTE, window(random));
        // a late update older than the windows kept is dropped by both
        l7.put(series.get(0), T0 + 23 * MINUTE, window(random));
        assertThat(l7.series().droppedUpdates()).isEqualTo(1);

        long newest = T0 + 53 * MINUTE;
        List<TimeRange> ranges = new ArrayList<>(List.of(
                range(newest - 15 * MINUTE, newest + MINUTE),
                range(T0 - 60 * MINUTE, T0 + 120 * MINUTE),
                range(newest - 4 * MINUTE + 5_000, newest - 2 * MINUTE - 3_000),
                range(newest - 7 * MINUTE - 25_000, newest - 3 * MINUTE),
                range(T0 + 30 * MINUTE, T0 + 31 * MINUTE),
                range(T0 + 10 * MINUTE, T0 + 19 * MINUTE + 30_000),
                range(T0 - 10 * MINUTE, T0),
                range(newest + WINDOW, newest + 5 * MINUTE)));
        for (int i = 0; i < 40; i++) {
            long from = T0 + random.nextInt(55 * 60) * 1000L;
            ranges.add(range(from, from + 1000L * (1 + random.nextInt(20 * 60))));
        }
        int compared = 0;
        for (TimeRange range : ranges) {
            Map<ServicePair, EdgeTraffic.Figures> expected = seriesAddedUp(range);
            assertSame(range, expected, EdgeTraffic.of(l7, tcp, range, null));
            compared += expected.size();
            String someService = series.get(random.nextInt(series.size())).serverService();
            assertSame(range, filtered(expected, someService), EdgeTraffic.of(l7, tcp, range, someService));
        }
        assertThat(compared).as("edges compared over all ranges").isGreaterThan(1000);
    }

    private static TimeRange range(long fromMs, long toMs) {
        return new TimeRange(Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs));
    }

    /** Edges between a few services, each with series on both sides, several statuses and destinations. */
    private static List<L7Series> varied(Random random, int services, int edges) {
        List<L7Series> series = new ArrayList<>();
        for (int e = 0; e < edges; e++) {
            String client = "/k8s/ns/svc-" + random.nextInt(services);
            String server = "/k8s/ns/svc-" + random.nextInt(services);
            // some edges only seen from the server (the client is not observed): the server's view counts
            boolean clientObserved = e % 7 != 0;
            List<String> protocols = e % 5 == 0 ? List.of("http", "grpc") : List.of(e % 2 == 0 ? "http" : "redis");
            for (String protocol : protocols) {
                for (int d = 0; d <= random.nextInt(3); d++) {
                    String destination = "10.0." + e + "." + d + ":80";
                    for (int st = 0; st <= random.nextInt(STATUSES.length); st++) {
                        if (clientObserved) {
                            series.add(new L7Series("client", true, client, server, destination, protocol,
                                    STATUSES[st]));
                        }
                        series.add(new L7Series("server", !clientObserved, client, server, destination, protocol,
                                STATUSES[st]));
                    }
                }
            }
        }
        return series;
    }

    private static L7Window window(Random random) {
        long[] buckets = new long[LatencyBuckets.COUNT];
        int requests = random.nextInt(8);
        for (int r = 0; r < requests; r++) {
            buckets[random.nextInt(LatencyBuckets.COUNT)]++;
        }
        return new L7Window(requests, random.nextInt(Math.max(1, requests)), requests * 2_000_000L, buckets);
    }

    /** The oracle: the counting side's series themselves, added up per pair over the range. */
    private Map<ServicePair, EdgeTraffic.Figures> seriesAddedUp(TimeRange range) {
        Map<ServicePair, EdgeTraffic.Figures> byPair = new HashMap<>();
        l7.series().scan(range, WindowStore.WHOLE_RANGE, L7Series::countingSide, (s, startMs, window) -> {
            EdgeTraffic.Figures figures = byPair.computeIfAbsent(ServicePair.of(s.clientService(), s.serverService()),
                    EdgeTraffic.Figures::new);
            figures.addProtocol(s.protocol());
            figures.l7.add(window);
        });
        return byPair;
    }

    private static Map<ServicePair, EdgeTraffic.Figures> filtered(Map<ServicePair, EdgeTraffic.Figures> all,
                                                                      String service) {
        Map<ServicePair, EdgeTraffic.Figures> involving = new HashMap<>();
        all.forEach((pair, figures) -> {
            if (pair.client().equals(service) || pair.server().equals(service)) {
                involving.put(pair, figures);
            }
        });
        return involving;
    }

    private static void assertSame(TimeRange range, Map<ServicePair, EdgeTraffic.Figures> expected,
                                   EdgeTraffic traffic) {
        Map<ServicePair, EdgeTraffic.Figures> actual = new HashMap<>();
        for (EdgeTraffic.Figures figures : traffic.all()) {
            assertThat(actual.put(figures.pair, figures)).as("%s listed once", figures.pair).isNull();
        }
        assertThat(actual.keySet()).as("edges over %s", range).isEqualTo(expected.keySet());
        expected.forEach((pair, e) -> {
            EdgeTraffic.Figures a = actual.get(pair);
            String what = pair + " over " + range;
            assertThat(a.protocols()).as("protocols of %s", what).isEqualTo(e.protocols());
            assertThat(a.l7.requests()).as("requests of %s", what).isEqualTo(e.l7.requests());
            assertThat(a.l7.errors()).as("errors of %s", what).isEqualTo(e.l7.errors());
            assertThat(a.l7.bucketCounts()).as("latency buckets of %s", what).isEqualTo(e.l7.bucketCounts());
        });
    }
}
