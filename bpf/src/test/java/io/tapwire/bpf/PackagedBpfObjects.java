package io.tapwire.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The BPF objects this module packages, found through the index build-bpf.sh writes. */
final class PackagedBpfObjects {

    static final String RESOURCE_DIR = "/io/tapwire/bpf/";

    private PackagedBpfObjects() {
    }

    /** Object names (without {@code .bpf.o}); at least one, or the build packaged nothing. */
    static List<String> names() {
        String index = new String(read(RESOURCE_DIR + "bpf-objects.txt"), StandardCharsets.UTF_8);
        List<String> names = index.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new IllegalStateException(RESOURCE_DIR + "bpf-objects.txt lists no objects: did build-bpf.sh run?");
        }
        return names;
    }

    static byte[] bytes(String name) {
        return read(RESOURCE_DIR + name + ".bpf.o");
    }

    private static byte[] read(String resource) {
        try (InputStream in = PackagedBpfObjects.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource
                        + " is missing: build the bpf module (./mvnw -pl bpf package)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
