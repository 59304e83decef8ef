package io.tapwire.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapwire.api.StrictExpositionParser;

/** The stack's query API, read as a user or Prometheus would. */
record StackApi(String url) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(text(path));
    }

    /**
     * The samples named {@code sample} whose labels include {@code labels}, summed by the value of {@code by}; the
     * exposition is parsed by the exposition-format rules (a malformed one fails the test).
     */
    Map<String, Double> metricByLabel(String sample, Map<String, String> labels, String by)
            throws IOException, InterruptedException {
        Map<String, Double> sums = new TreeMap<>();
        for (StrictExpositionParser.Family family : StrictExpositionParser.parse(text("/metrics")).values()) {
            for (StrictExpositionParser.Sample s : family.samples()) {
                if (s.name().equals(sample) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    sums.merge(s.labels().getOrDefault(by, ""), s.value(), Double::sum);
                }
            }
        }
        return sums;
    }

    double metricSum(String family, Map<String, String> labels) throws IOException, InterruptedException {
        return metricByLabel(family, labels, "").values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Waits until the counters reach {@code expected}: the API counts windows once they are final. */
    void awaitMetric(String family, Map<String, String> labels, double expected, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (metricSum(family, labels) < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(metricSum(family, labels)).as(family + " " + labels + " within " + timeout).isEqualTo(expected);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
