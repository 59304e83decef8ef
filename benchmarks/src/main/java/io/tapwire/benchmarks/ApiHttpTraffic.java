package io.tapwire.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

/**
 * HTTP/1.1 requests and responses that look like an API's traffic through nginx rather than one URL repeated,
 * always the same for the same seed: seven routes (reads with ids, searches with query strings, writes with JSON
 * bodies, a health check), five User-Agents, an X-Request-Id different on every request and, on 60% of them, a W3C
 * traceparent (as tracing middleware sends them; they do not compress). Request heads are 130–290 bytes. Responses
 * are mostly 200 (201 for a POST), about 6% 404 and 3% 500, with Content-Length bodies of 20–600 bytes, so a whole
 * message (under 800 bytes) fits the collector's default 1 KiB head.
 */
final class ApiHttpTraffic {

    /** One exchange's bytes, as the client writes and the server answers them, and the status answered. */
    record Exchange(byte[] request, byte[] response, int status) {
    }

    private record Route(String method, String template, boolean body) {
    }

    private static final List<Route> ROUTES = List.of(
            new Route("GET", "/api/v1/users/%d", false),
            new Route("GET", "/api/v2/orders/%d", false),
            new Route("GET", "/api/v1/products/%d/reviews?page=%d", false),
            new Route("GET", "/api/v1/search?q=%s&limit=20", false),
            new Route("POST", "/api/v1/orders", true),
            new Route("PUT", "/api/v1/carts/%d", true),
            new Route("GET", "/healthz", false));
    /** How often each route is picked, out of 100 (in {@link #ROUTES}' order). */
    private static final int[] WEIGHTS = {30, 20, 12, 10, 10, 8, 10};
    private static final List<String> AGENTS = List.of(
            "Apache-HttpClient/4.5.14 (Java/17.0.9)", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/1.1",
            "axios/1.6.2");
    private static final List<String> WORDS = List.of("coffee", "grinder", "espresso+machine", "filter", "kettle",
            "milk+frother", "beans", "scale");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final String FILLER = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final SplittableRandom random;
    private final String host;

    ApiHttpTraffic(long seed, String host) {
        this.random = new SplittableRandom(seed);
        this.host = host;
    }

    /** The next exchange, answered at {@code epochMs} (the response's Date header). */
    Exchange next(long epochMs) {
        Route route = route();
        int id = 1_000 + random.nextInt(90_000);
        String target = route.template().contains("%s")
                ? String.format(route.template(), WORDS.get(random.nextInt(WORDS.size())))
                : String.format(route.template(), id, 1 + random.nextInt(5));
        String body = route.body() ? String.format("{\"sku\":\"A-%d\",\"quantity\":%d,\"customer\":%d}",
                random.nextInt(10_000), 1 + random.nextInt(5), id) : "";
        StringBuilder request = new StringBuilder(320)
                .append(route.method()).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("User-Agent: ").append(AGENTS.get(random.nextInt(AGENTS.size()))).append("\r\n")
                .append("Accept: application/json\r\n");
        if (random.nextInt(10) < 6) {
            request.append("traceparent: 00-").append(hex(32)).append('-').append(hex(16)).append("-01\r\n");
        }
        request.append("X-Request-Id: ").append(hex(8)).append('-').append(hex(4)).append('-').append(hex(4))
                .append("\r\n");
        if (route.body()) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(body.length()).append("\r\n");
        }
        request.append("\r\n").append(body);

        int roll = random.nextInt(100);
        int status = roll < 3 ? 500 : roll < 9 ? 404 : route.method().equals("POST") ? 201 : 200;
        String reason = switch (status) {
            case 500 -> "Internal Server Error";
            case 404 -> "Not Found";
            case 201 -> "Created";
            default -> "OK";
        };
        String content = status >= 400 ? "{\"error\":\"" + reason.toLowerCase() + "\"}" : json(20 + random.nextInt(580));
        String response = "HTTP/1.1 " + status + ' ' + reason + "\r\n"
                + "Server: nginx/1.22.1\r\n"
                + "Date: " + HTTP_DATE.format(Instant.ofEpochMilli(epochMs)) + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + content.length() + "\r\n"
                + "Connection: keep-alive\r\n"
                + "\r\n" + content;
        return new Exchange(request.toString().getBytes(StandardCharsets.ISO_8859_1),
                response.getBytes(StandardCharsets.ISO_8859_1), status);
    }

    private Route route() {
        int roll = random.nextInt(100);
        for (int i = 0; i < WEIGHTS.length; i++) {
            roll -= WEIGHTS[i];
            if (roll < 0) {
                return ROUTES.get(i);
            }
        }
        return ROUTES.get(0);
    }

    private String hex(int digits) {
        StringBuilder out = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            out.append(Character.forDigit(random.nextInt(16), 16));
        }
        return out.toString();
    }

    /** A JSON object of about {@code length} characters. */
    private String json(int length) {
        StringBuilder out = new StringBuilder(length + 16).append("{\"items\":[");
        while (out.length() < length) {
            out.append(out.charAt(out.length() - 1) == '[' ? "" : ",").append('"');
            for (int i = 0; i < 8; i++) {
                out.append(FILLER.charAt(random.nextInt(FILLER.length())));
            }
            out.append('"');
        }
        return out.append("]}").toString();
    }
}
