package io.tapwire.schemas.keys;

import java.util.Objects;

/** Key of {@code tapwire.tcp.metrics.v1}: {@code client/destination/server/windowStartEpochMs}. */
public record TcpMetricKey(String clientService, String destination, String serverService, long windowStartEpochMs) {

    public static final String FORMAT = "client/destination/server/windowStartEpochMs";

    public TcpMetricKey {
        Objects.requireNonNull(clientService, "clientService");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(serverService, "serverService");
    }

    public String format() {
        return KeyCodec.join(clientService, destination, serverService, Long.toString(windowStartEpochMs));
    }

    public static TcpMetricKey parse(String key) {
        String[] p = KeyCodec.split(key, 4, FORMAT);
        return new TcpMetricKey(p[0], p[1], p[2], KeyCodec.parseLong(p[3], "windowStartEpochMs", key));
    }

    @Override
    public String toString() {
        return format();
    }
}
