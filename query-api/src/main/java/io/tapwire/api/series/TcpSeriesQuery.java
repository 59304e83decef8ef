package io.tapwire.api.series;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tapwire.api.query.Step;
import io.tapwire.api.query.TimeRange;
import io.tapwire.api.windows.TcpFolder;
import io.tapwire.api.windows.TcpSeries;
import io.tapwire.api.windows.TcpWindow;
import io.tapwire.api.windows.WindowStore;

/**
 * The TCP time series of {@code GET /api/v1/metrics/tcp}: one per (client, server), the destinations of the series of
 * {@code tapwire.tcp.metrics.v1} added up, one point per step over the range (zeros where no window is).
 *
 * @param client only series of this client; null for all (likewise server)
 */
public record TcpSeriesQuery(String client, String server, TimeRange range, Step step) {

    private record Key(String client, String server) {
    }

    public TcpSeriesList run(WindowStore<TcpSeries, TcpWindow> store) {
        Map<Key, Map<Long, TcpWindow>> byKey = new HashMap<>();
        // Per series and step, windows follow each other in time; then the destinations of a (client, server) add up.
        TcpFolder folder = new TcpFolder(step::pointStartMs, (series, pointStartMs, total) ->
                byKey.computeIfAbsent(new Key(series.clientService(), series.serverService()), k -> new HashMap<>())
                        .merge(pointStartMs, total, TcpWindow::plus));
        store.scan(range, step.millis(), s -> (client == null || client.equals(s.clientService()))
                && (server == null || server.equals(s.serverService())), folder);
        folder.finish();
        List<Key> keys = new ArrayList<>(byKey.keySet());
        keys.sort(Comparator.comparing(Key::client).thenComparing(Key::server));
        List<TcpSeriesList.Series> series = new ArrayList<>(keys.size());
        for (Key key : keys) {
            Map<Long, TcpWindow> points = byKey.get(key);
            series.add(new TcpSeriesList.Series(key.client(), key.server(),
                    step.everyPoint(range, startMs -> TcpPoint.of(startMs, points.get(startMs)))));
        }
        return new TcpSeriesList(step.toString(), series);
    }
}
