package io.tapwire.api.series;

import static io.tapwire.api.windows.Windows.l7;
import static io.tapwire.api.windows.Windows.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.tapwire.api.Protocol;
import io.tapwire.api.query.Step;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.windows.L7Series;
import io.tapwire.api.windows.L7Window;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;
import org.junit.jupiter.api.Test;

class SeriesQueryTest {

    private static final long T0 = Instant.parse("2026-01-31T12:00:00Z").toEpochMilli();
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final TimeRange RANGE = new TimeRange(Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 3 * MINUTE));

    private static final String API = "/system.slice/api.service";
    private static final String NGINX = "/system.slice/nginx.service";
    private static final String REDIS = "/system.slice/redis.service";

    @Test
    void l7WindowsGoToThePointOfTheirStartWithStatusesAndDestinationsAddedUp() {
        WindowStore<L7Series, L7Window> store = new WindowStore<>(Duration.ofHours(1), Duration.ofHours(24));
        store.put(new L7Series("client", true, API, NGINX, "10.0.0.1:80", "http", "200"), T0, l7(0, 0.001));
        store.put(new L7Series("client", true, API, NGINX, "10.0.0.1:80", "http", "200"), T0 + 50 * SECOND,
                l7(0, 0.001, 0.001));
        store.put(new L7Series("client", true, API, NGINX, "10.0.0.2:80", "http", "204"), T0 + 10 * SECOND,
                l7(0, 0.001));
        store.put(new L7Series("client", true, API, NGINX, "10.0.0.1:80", "http", "503"), T0 + 2 * MINUTE,
                l7(1, 0.2));
        store.put(new L7Series("server", false, API, NGINX, "10.0.0.1:80", "http", "200"), T0, l7(0, 0.001));
        store.put(new L7Series("client", true, API, REDIS, "10.0.0.3:6379", "redis", "ok"), T0, l7(0, 0.0001));

        L7SeriesList list = new L7SeriesQuery(API, NGINX, Protocol.HTTP, "client", RANGE, Step.parse("1m", RANGE))
                .run(store);

        assertThat(list.step()).isEqualTo("PT1M");
        assertThat(list.series()).singleElement().satisfies(s -> {
            assertThat(s.side()).isEqualTo("client");
            assertThat(s.points()).extracting(L7Point::time).containsExactly("2026-01-31T12:00:00Z",
                    "2026-01-31T12:01:00Z", "2026-01-31T12:02:00Z");
            assertThat(s.points()).extracting(L7Point::requests).containsExactly(4L, 0L, 1L);
            assertThat(s.points().get(0).byStatus()).isEqualTo(Map.of("2xx", 4L));
            assertThat(s.points().get(1).latencyMs()).isNull();
            assertThat(s.points().get(2).byStatus()).isEqualTo(Map.of("5xx", 1L));
            assertThat(s.points().get(2).errors()).isEqualTo(1);
        });
    }

    @Test
    void withoutFiltersEverySideAndProtocolIsASeriesSorted() {
        WindowStore<L7Series, L7Window> store = new WindowStore<>(Duration.ofHours(1), Duration.ofHours(24));
        store.put(new L7Series("server", false, API, NGINX, "10.0.0.1:80", "http", "200"), T0, l7(0, 0.001));
        store.put(new L7Series("client", true, API, NGINX, "10.0.0.1:80", "http", "200"), T0, l7(0, 0.001));
        store.put(new L7Series("client", true, API, REDIS, "10.0.0.3:6379", "redis", "failed"), T0, l7(1, 0.0001));

        L7SeriesList list = new L7SeriesQuery(null, null, null, null, RANGE, Step.parse(null, RANGE)).run(store);

        assertThat(list.step()).isEqualTo("PT10S");
        assertThat(list.series()).extracting(s -> s.server() + " " + s.protocol() + " " + s.side()).containsExactly(
                NGINX + " http client", NGINX + " http server", REDIS + " redis client");
        assertThat(list.series().get(2).points()).hasSize(18);
        assertThat(list.series().get(2).points().get(0).byStatus()).isEqualTo(Map.of("failed", 1L));
    }

    @Test
    void tcpPointsAddUpDestinationsWithTheLatestOpenConnectionsOfEach() {
        WindowStore<TcpSeries, TcpWindow> store = new WindowStore<>(Duration.ofHours(1), Duration.ofHours(24));
        TcpSeries one = new TcpSeries(API, "10.0.0.1:80", NGINX);
        TcpSeries two = new TcpSeries(API, "10.0.0.2:80", NGINX);
        store.put(one, T0, tcp(T0, 1, 0, 5, 0.001));
        store.put(one, T0 + 30 * SECOND, tcp(T0 + 30 * SECOND, 2, 1, 4, 0.003));
        store.put(two, T0 + 10 * SECOND, tcp(T0 + 10 * SECOND, 3, 0, 7, 0));
        store.put(two, T0 + 2 * MINUTE, tcp(T0 + 2 * MINUTE, 1, 0, 6, 0));
        store.put(new TcpSeries(REDIS, "10.0.0.1:80", NGINX), T0, tcp(T0, 9, 0, 9, 0));

        TcpSeriesList list = new TcpSeriesQuery(API, null, RANGE, Step.parse("1m", RANGE)).run(store);

        assertThat(list.series()).singleElement().satisfies(s -> {
            assertThat(s.points()).extracting(TcpPoint::connects).containsExactly(6L, 0L, 1L);
            assertThat(s.points()).extracting(TcpPoint::activeConnections).containsExactly(11L, 0L, 6L);
            assertThat(s.points()).extracting(TcpPoint::failedConnects).containsExactly(1L, 0L, 0L);
            assertThat(s.points().get(0).rttMs()).isEqualTo(2.0);
            assertThat(s.points().get(1).rttMs()).isNull();
        });
    }
}
