package io.tapwire.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

class CollectorMetricsTest {

    @Test
    void countersAndGaugesRenderInThePrometheusTextFormat() {
        CollectorMetrics metrics = new CollectorMetrics();
        metrics.counter("tapwire_collector_events_total", "Kernel events decoded", "type", "exec").add(3);
        metrics.counter("tapwire_collector_events_total", "Kernel events decoded", "type", "exit").increment();
        metrics.gauge("tapwire_collector_buffer_fill_ratio", "Buffer fill", () -> 0.25);
        metrics.counter("tapwire_collector_dropped_records_total", "Drops", "reason", "quote\"d").increment();

        assertThat(metrics.render()).isEqualTo("""
                # HELP tapwire_collector_buffer_fill_ratio Buffer fill
                # TYPE tapwire_collector_buffer_fill_ratio gauge
                tapwire_collector_buffer_fill_ratio 0.25
                # HELP tapwire_collector_dropped_records_total Drops
                # TYPE tapwire_collector_dropped_records_total counter
                tapwire_collector_dropped_records_total{reason="quote\\"d"} 1
                # HELP tapwire_collector_events_total Kernel events decoded
                # TYPE tapwire_collector_events_total counter
                tapwire_collector_events_total{type="exec"} 3
                tapwire_collector_events_total{type="exit"} 1
                """);
    }

    @Test
    void theEndpointServesTheExposition() throws Exception {
        CollectorMetrics metrics = new CollectorMetrics();
        metrics.counter("tapwire_collector_events_total", "Kernel events decoded", "type", "exec").add(7);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(response.body()).contains("tapwire_collector_events_total{type=\"exec\"} 7");
        }
    }
}
