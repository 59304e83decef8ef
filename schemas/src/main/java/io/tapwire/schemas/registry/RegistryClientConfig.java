package io.tapwire.schemas.registry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the registry is and how patiently to talk to it. The property names follow Confluent's serializer
 * settings, so existing configurations keep working.
 *
 * <pre>
 * schema.registry.url                 comma-separated base URLs, tried in order on connection errors (required)
 * schema.registry.request.timeout.ms  per-request timeout (default 10000)
 * schema.registry.retries             retries on connection errors and 5xx (default 3)
 * schema.registry.retry.backoff.ms    first backoff, doubled per retry, at most 2000 ms (default 100)
 * basic.auth.user.info                user:password for HTTP basic auth (optional)
 * </pre>
 */
public record RegistryClientConfig(List<URI> urls, Duration requestTimeout, int retries, Duration retryBackoff,
                                   String basicAuthUserInfo) {

    public static final String URL = "schema.registry.url";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String RETRIES = "schema.registry.retries";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    public RegistryClientConfig {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(URL + " must name at least one registry URL");
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if (retries < 0) {
            throw new IllegalArgumentException(RETRIES + " must be 0 or more, was " + retries);
        }
    }

    public static RegistryClientConfig of(String urls) {
        return fromMap(Map.of(URL, urls));
    }

    /** Reads the settings from Kafka-style configs; unknown keys are ignored, bad values rejected by name. */
    public static RegistryClientConfig fromMap(Map<String, ?> configs) {
        Object url = configs.get(URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException(URL + " is required (for example http://127.0.0.1:8081)");
        }
        List<URI> urls = new ArrayList<>();
        for (String part : url.toString().split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            URI uri = URI.create(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException(URL + " must be http(s) URLs, got '" + trimmed + "'");
            }
            urls.add(uri);
        }
        Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
        return new RegistryClientConfig(urls,
                Duration.ofMillis(number(configs, REQUEST_TIMEOUT_MS, 10_000)),
                (int) number(configs, RETRIES, 3),
                Duration.ofMillis(number(configs, RETRY_BACKOFF_MS, 100)),
                userInfo == null ? null : userInfo.toString());
    }

    private static long number(Map<String, ?> configs, String name, long defaultValue) {
        Object value = configs.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
        }
    }
}
