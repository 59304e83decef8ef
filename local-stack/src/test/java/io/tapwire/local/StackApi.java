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
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The stack's query API, read as a user or Prometheus would. */
record StackApi(String url) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(text(path));
    }

    /** The samples of {@code family} whose labels include {@code labels}, summed by the value of {@code by}. */
    Map<String, Double> metricByLabel(String family, Map<String, String> labels, String by)
            throws IOException, InterruptedException {
        Map<String, Double> sums = new TreeMap<>();
        for (String line : text("/metrics").split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(family)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
            if (found.entrySet().containsAll(labels.entrySet())) {
                sums.merge(found.getOrDefault(by, ""), Double.parseDouble(sample.group(3)), Double::sum);
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
