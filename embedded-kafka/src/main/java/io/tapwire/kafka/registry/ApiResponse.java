package io.tapwire.kafka.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP response of the registry API: a status, a JSON body and extra headers. */
record ApiResponse(int status, byte[] body, Map<String, String> headers) {

    static ApiResponse of(int status, byte[] body) {
        return new ApiResponse(status, body, Map.of());
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, body, Map.copyOf(more));
    }
}
