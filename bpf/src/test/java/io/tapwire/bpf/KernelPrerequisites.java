package io.tapwire.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a *KernelIT needs from the machine. A missing piece fails the test with the fix: a kernel
 * test that skips silently would report green on a machine that never ran it.
 */
public final class KernelPrerequisites {

    private static final Path BPF_FS = Path.of("/sys/fs/bpf");

    private KernelPrerequisites() {
    }

    /** Root, BTF and bpftool: what every test that loads a program needs. */
    public static void requireAll() {
        requireRoot();
        requireBtf();
        bpftool();
    }

    public static void requireBtf() {
        if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            throw new AssertionError("/sys/kernel/btf/vmlinux is missing: the CO-RE objects need a kernel built with"
                    + " CONFIG_DEBUG_INFO_BTF=y (any distribution kernel since about 5.4 has it)");
        }
    }

    public static void requireRoot() {
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

    /** bpftool's path; root's PATH usually has /usr/sbin, Maven's may not. */
    public static String bpftool() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, "bpftool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("bpftool not found: apt-get install -y bpftool");
    }

    /** The ip command (network namespaces, veth links); root's PATH usually has /usr/sbin, Maven's may not. */
    public static String ip() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path candidate = Path.of(dir, "ip");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("the ip command is missing: apt-get install -y iproute2");
    }

    /**
     * The cgroup v1 memory controller's mount point, where a child cgroup can set a memory limit
     * (memory.limit_in_bytes). Hosts with a pure cgroup v2 hierarchy do not have it.
     */
    public static Path memoryCgroupV1() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            if (fields[2].equals("cgroup") && List.of(fields[3].split(",")).contains("memory")) {
                return Path.of(fields[1]);
            }
        }
        throw new AssertionError("no cgroup v1 memory controller mounted (this test sets memory.limit_in_bytes): on a"
                + " hybrid-hierarchy host it is at /sys/fs/cgroup/memory; mount it with"
                + " mkdir -p /sys/fs/cgroup/memory && mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory");
    }

    /** Mounts bpffs at /sys/fs/bpf unless it is already there: pinning needs it. */
    public static Path bpfFs() throws IOException, InterruptedException {
        boolean mounted = Files.readAllLines(Path.of("/proc/mounts")).stream()
                .map(line -> line.split(" "))
                .anyMatch(fields -> fields[1].equals(BPF_FS.toString()) && fields[2].equals("bpf"));
        if (!mounted) {
            Process mount = new ProcessBuilder("mount", "-t", "bpf", "bpf", BPF_FS.toString())
                    .redirectErrorStream(true).start();
            String output = new String(mount.getInputStream().readAllBytes());
            if (!mount.waitFor(10, TimeUnit.SECONDS) || mount.exitValue() != 0) {
                throw new AssertionError("cannot mount bpffs (mount -t bpf bpf /sys/fs/bpf): " + output);
            }
        }
        return BPF_FS;
    }
}
