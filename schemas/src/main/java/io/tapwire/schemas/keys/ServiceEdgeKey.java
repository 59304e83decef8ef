package io.tapwire.schemas.keys;

import java.util.Objects;

/** Key of {@code tapwire.service.edges.v1}: {@code client/server}. */
public record ServiceEdgeKey(String clientService, String serverService) {

    public static final String FORMAT = "client/server";

    public ServiceEdgeKey {
        Objects.requireNonNull(clientService, "clientService");
        Objects.requireNonNull(serverService, "serverService");
    }

    public String format() {
        return KeyCodec.join(clientService, serverService);
    }

    public static ServiceEdgeKey parse(String key) {
        String[] p = KeyCodec.split(key, 2, FORMAT);
        return new ServiceEdgeKey(p[0], p[1]);
    }

    @Override
    public String toString() {
        return format();
    }
}
