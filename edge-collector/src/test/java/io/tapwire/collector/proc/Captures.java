package io.tapwire.collector.proc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real procfs captures under src/test/resources/proc (see the README there for how each was taken). */
public final class Captures {

    private Captures() {
    }

    public static String read(String relative) {
        try (InputStream in = Captures.class.getResourceAsStream("/proc/" + relative)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture /proc/" + relative + " in the test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
