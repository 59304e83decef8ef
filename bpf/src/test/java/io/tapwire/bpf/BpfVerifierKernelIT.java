package io.tapwire.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every packaged object passes this kernel's verifier, with CO-RE relocations applied by libbpf
 * (bpftool is linked against it). Catches what clang accepts but the kernel refuses: unbounded
 * reads, bad relocations, helper misuse.
 */
class BpfVerifierKernelIT {

    static List<String> objectNames() {
        return PackagedBpfObjects.names();
    }

    @ParameterizedTest
    @MethodSource("objectNames")
    void loadsIntoTheKernelVerifier(String name) throws Exception {
        KernelPrerequisites.requireRoot();
        String bpftool = KernelPrerequisites.bpftool();
        Path pins = KernelPrerequisites.bpfFs().resolve("tapwire-test-" + UUID.randomUUID());
        Path object = Files.createTempFile(name, ".bpf.o");
        try {
            Files.write(object, PackagedBpfObjects.bytes(name));

            Process load = new ProcessBuilder(bpftool, "prog", "loadall", object.toString(), pins.toString())
                    .redirectErrorStream(true).start();
            // With a verifier rejection, bpftool prints libbpf's log, which ends with the verifier's.
            String output = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(load.waitFor(60, TimeUnit.SECONDS)).as("bpftool finished").isTrue();

            assertThat(load.exitValue()).as("bpftool prog loadall %s:%n%s", name, output).isZero();
            try (Stream<Path> pinned = Files.list(pins)) {
                assertThat(pinned).as("programs pinned for %s", name).isNotEmpty();
            }
        } finally {
            removePins(pins);
            Files.deleteIfExists(object);
        }
    }

    /** Unpinning drops the last reference: the kernel then frees the programs and their maps. */
    private static void removePins(Path pins) throws IOException {
        if (!Files.exists(pins)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(pins)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
