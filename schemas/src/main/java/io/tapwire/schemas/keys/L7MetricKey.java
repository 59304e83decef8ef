package io.tapwire.schemas.keys;

import java.util.Objects;

/**
 * Key of {@code tapwire.l7.metrics.v1}:
 * {@code side/client/server/destination/protocol/status/windowStartEpochMs}.
 */
public record L7MetricKey(String side, String clientService, String serverService, String destination,
                          String protocol, String status, long windowStartEpochMs) {

    public static final String FORMAT = "side/client/server/destination/protocol/status/windowStartEpochMs";

    public L7MetricKey {
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(clientService, "clientService");
        Objects.requireNonNull(serverService, "serverService");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(status, "status");
    }

    public String format() {
        return KeyCodec.join(side, clientService, serverService, destination, protocol, status,
                Long.toString(windowStartEpochMs));
    }

    public static L7MetricKey parse(String key) {
        String[] p = KeyCodec.split(key, 7, FORMAT);
        return new L7MetricKey(p[0], p[1], p[2], p[3], p[4], p[5],
                KeyCodec.parseLong(p[6], "windowStartEpochMs", key));
    }

    @Override
    public String toString() {
        return format();
    }
}
