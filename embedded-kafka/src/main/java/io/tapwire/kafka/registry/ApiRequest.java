package io.tapwire.kafka.registry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request to the registry API, read in full.
 *
 * @param rawPathAndQuery the path and query as received (still percent-encoded), used when forwarding
 * @param segments        the decoded path segments, without empty ones
 * @param forwarded       whether another instance forwarded this request (it must then not be forwarded again)
 */
record ApiRequest(String method, String rawPathAndQuery, List<String> segments, Map<String, String> query,
                  String contentType, byte[] body, boolean forwarded) {

    boolean flag(String name) {
        return "true".equalsIgnoreCase(query.get(name));
    }

    String path() {
        return "/" + String.join("/", segments);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
