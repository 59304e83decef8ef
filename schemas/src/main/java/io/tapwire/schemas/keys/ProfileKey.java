package io.tapwire.schemas.keys;

import java.util.Objects;

/** Key of {@code tapwire.profiles.v1}: {@code service/windowStartEpochMs}. */
public record ProfileKey(String service, long windowStartEpochMs) {

    public static final String FORMAT = "service/windowStartEpochMs";

    public ProfileKey {
        Objects.requireNonNull(service, "service");
    }

    public String format() {
        return KeyCodec.join(service, Long.toString(windowStartEpochMs));
    }

    public static ProfileKey parse(String key) {
        String[] p = KeyCodec.split(key, 2, FORMAT);
        return new ProfileKey(p[0], KeyCodec.parseLong(p[1], "windowStartEpochMs", key));
    }

    @Override
    public String toString() {
        return format();
    }
}
