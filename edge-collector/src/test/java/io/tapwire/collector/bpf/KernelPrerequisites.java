package io.tapwire.collector.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a *KernelIT needs from the machine. A missing piece fails the test with the fix: a kernel
 * test that skips silently would report green on a machine that never ran it.
 */
final class KernelPrerequisites {

    private KernelPrerequisites() {
    }

    static void requireAll() {
        requireRoot();
        requireBtf();
        bpftool();
    }

    static void requireRoot() {
        try {
            boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0")); // effective uid
            if (!root) {
                throw new AssertionError("kernel tests load BPF programs and must run as root (sudo ./mvnw verify)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
    }

    static void requireBtf() {
        if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            throw new AssertionError("/sys/kernel/btf/vmlinux is missing: the CO-RE objects need a kernel built with"
                    + " CONFIG_DEBUG_INFO_BTF=y (any distribution kernel since about 5.4 has it)");
        }
    }

    /** bpftool's path; root's PATH usually has /usr/sbin, Maven's may not. */
    static String bpftool() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, "bpftool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("bpftool not found: apt-get install -y bpftool");
    }
}
