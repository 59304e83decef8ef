package io.tapwire.schemas.keys;

import java.util.Objects;

/** Key of {@code tapwire.events.v1}: the service id, percent-encoded so the key is one component. */
public record ServiceKey(String service) {

    public static final String FORMAT = "service";

    public ServiceKey {
        Objects.requireNonNull(service, "service");
    }

    public String format() {
        return KeyCodec.join(service);
    }

    public static ServiceKey parse(String key) {
        return new ServiceKey(KeyCodec.split(key, 1, FORMAT)[0]);
    }

    @Override
    public String toString() {
        return format();
    }
}
