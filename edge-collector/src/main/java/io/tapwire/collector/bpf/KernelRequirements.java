package io.tapwire.collector.bpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What loading the probes needs from the machine, checked before anything is loaded so that a missing piece
 * fails with what to do rather than with a libbpf errno: root (or CAP_BPF and CAP_PERFMON), the kernel's BTF for
 * CO-RE, and tracefs, where libbpf finds the tracepoints' ids. tracefs is mounted when it is missing, as a
 * fresh machine without systemd may not have it.
 */
public final class KernelRequirements {

    static final Path BTF = Path.of("/sys/kernel/btf/vmlinux");
    static final Path TRACEFS = Path.of("/sys/kernel/tracing");

    private KernelRequirements() {
    }

    /** Throws {@link IllegalStateException} naming the first missing requirement and its fix. */
    public static void check() {
        if (!isRoot()) {
            throw new IllegalStateException("the collector loads eBPF programs and must run as root "
                    + "(or with CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)");
        }
        if (!Files.isReadable(BTF)) {
            throw new IllegalStateException(BTF + " is missing: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y), "
                    + "which the CO-RE programs need; distribution kernels since about 5.4 have it");
        }
        ensureTracefs();
    }

    static void ensureTracefs() {
        if (Files.isDirectory(TRACEFS.resolve("events"))) {
            return;
        }
        try {
            Process mount = new ProcessBuilder("mount", "-t", "tracefs", "nodev", TRACEFS.toString())
                    .redirectErrorStream(true).start();
            String output = new String(mount.getInputStream().readAllBytes()).trim();
            if (!mount.waitFor(10, TimeUnit.SECONDS) || mount.exitValue() != 0
                    || !Files.isDirectory(TRACEFS.resolve("events"))) {
                throw new IllegalStateException("tracefs is not mounted at " + TRACEFS + " and mounting it failed ("
                        + output + "): run 'mount -t tracefs nodev " + TRACEFS + "' as root");
            }
        } catch (IOException e) {
            throw new IllegalStateException("tracefs is not mounted at " + TRACEFS + ": run 'mount -t tracefs nodev "
                    + TRACEFS + "' as root", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while mounting tracefs", e);
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }
}
