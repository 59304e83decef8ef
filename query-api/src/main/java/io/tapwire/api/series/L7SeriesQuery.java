package io.tapwire.api.series;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.tapwire.api.Protocol;
import io.tapwire.api.exposition.StatusLabels;
import io.tapwire.api.query.Step;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.windows.L7Series;
import io.tapwire.api.windows.L7Totals;
import io.tapwire.api.windows.L7Window;
import io.tapwire.api.windows.WindowStore;

/**
 * The L7 time series of {@code GET /api/v1/metrics/l7}: one per (client, server, protocol, observed side), the
 * destinations and statuses of the series of {@code tapwire.l7.metrics.v1} added up, with one point per step over
 * the range (zeros where no window is) and each point's requests by status label.
 *
 * @param client only series of this client; null for all (likewise server, protocol)
 * @param side   {@code client} or {@code server}; null for both (a request seen from both ends is then in two
 *               series, one per side)
 */
public record L7SeriesQuery(String client, String server, Protocol protocol, String side, TimeRange range,
                            Step step) {

    private record Key(String client, String server, String protocol, String side) {
    }

    private static final class Point {
        final L7Totals totals = new L7Totals();
        final Map<String, Long> byStatus = new TreeMap<>();
    }

    public L7SeriesList run(WindowStore<L7Series, L7Window> store) {
        Map<Key, Map<Long, Point>> byKey = new HashMap<>();
        // The windows of one series come one after the other: look its key up once.
        Object[] current = new Object[2];
        store.scan(range, step.millis(), accepts(), (series, startMs, window) -> {
            if (current[0] != series) {
                current[0] = series;
                current[1] = byKey.computeIfAbsent(new Key(series.clientService(), series.serverService(),
                        series.protocol(), series.side()), k -> new HashMap<>());
            }
            @SuppressWarnings("unchecked")
            Map<Long, Point> points = (Map<Long, Point>) current[1];
            Point point = points.computeIfAbsent(step.pointStartMs(startMs), p -> new Point());
            point.totals.add(window);
            statusLabels(series, window).forEach((label, n) -> point.byStatus.merge(label, n, Long::sum));
        });
        List<Key> keys = new ArrayList<>(byKey.keySet());
        keys.sort(Comparator.comparing(Key::client).thenComparing(Key::server).thenComparing(Key::protocol)
                .thenComparing(Key::side));
        List<L7SeriesList.Series> series = new ArrayList<>(keys.size());
        for (Key key : keys) {
            Map<Long, Point> points = byKey.get(key);
            series.add(new L7SeriesList.Series(key.client(), key.server(), key.protocol(), key.side(),
                    step.everyPoint(range, startMs -> view(startMs, points.get(startMs)))));
        }
        return new L7SeriesList(step.toString(), series);
    }

    private Predicate<L7Series> accepts() {
        return s -> (client == null || client.equals(s.clientService()))
                && (server == null || server.equals(s.serverService()))
                && (protocol == null || protocol.token().equals(s.protocol()))
                && (side == null || side.equals(s.side()));
    }

    /** Coroot's status labels (2xx, ok, nxdomain, ...); a protocol the API does not know keeps its status as is. */
    private static Map<String, Long> statusLabels(L7Series series, L7Window window) {
        return Protocol.byToken(series.protocol())
                .map(p -> StatusLabels.split(p, series.status(), window.requests(), window.errors()))
                .orElseGet(() -> window.requests() == 0 ? Map.of() : Map.of(series.status(), window.requests()));
    }

    private static L7Point view(long startMs, Point point) {
        return point == null ? L7Point.of(startMs, new L7Totals(), Map.of())
                : L7Point.of(startMs, point.totals, point.byStatus);
    }
}
