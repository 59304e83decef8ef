package io.tapwire.collector.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads the facts the collector needs from a procfs tree. Every read tolerates the process vanishing or
 * turning unreadable mid-read (it exits, it is a kernel thread, ptrace rules deny access): the answer is then
 * empty, never an exception, because a process exiting is the normal case for a reader of /proc.
 *
 * <p>The root is configurable so that tests can point it at a fake tree with odd data; {@link #system()} reads
 * the real {@code /proc}. Thread-safe: it holds no state but its root.
 */
public final class ProcFs {

    private static final String SOCKET_LINK_PREFIX = "socket:[";
    private static final String NET_NAMESPACE_LINK_PREFIX = "net:[";

    private final Path root;

    /** A reader of the procfs tree mounted (or faked) at {@code root}. */
    public ProcFs(Path root) {
        this.root = root;
    }

    /** The real {@code /proc}. */
    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"));
    }

    /** Where this tree is mounted. */
    public Path root() {
        return root;
    }

    /** Pids of the processes (thread-group leaders) listed now, ascending. Threads are not listed by procfs. */
    public List<Integer> pids() {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (isPid(name)) {
                    pids.add(Integer.parseInt(name));
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            return List.of();
        }
        Collections.sort(pids);
        return pids;
    }

    /** Whether {@code /proc/<pid>} exists now. */
    public boolean exists(int pid) {
        return Files.isDirectory(processDir(pid));
    }

    /** {@code /proc/<pid>/stat}: ppid, start time, state, comm. */
    public Optional<ProcStat> stat(int pid) {
        return readText(processDir(pid).resolve("stat")).flatMap(ProcStat::parse);
    }

    /** {@code /proc/<pid>/comm}: the process name, at most 15 bytes, without the kernel's trailing newline. */
    public Optional<String> comm(int pid) {
        return readText(processDir(pid).resolve("comm"))
                .map(text -> text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
    }

    /** {@code /proc/<pid>/exe}: empty for kernel threads, zombies, and processes the reader may not inspect. */
    public Optional<Executable> exe(int pid) {
        return readLink(processDir(pid).resolve("exe")).map(Executable::ofLink);
    }

    /**
     * {@code /proc/<pid>/cmdline} split at NUL. Empty for kernel threads, zombies and vanished processes. A process
     * that rewrote its argument area (setproctitle) may have one argument with spaces and no final NUL.
     *
     * @param maxBytes the most bytes kept (arguments can total megabytes, far more than a record should carry);
     *                 the argument cut there is kept cut
     */
    public List<String> cmdline(int pid, int maxBytes) {
        Optional<byte[]> bytes = read(processDir(pid).resolve("cmdline"));
        if (bytes.isEmpty()) {
            return List.of();
        }
        byte[] raw = bytes.get();
        int length = Math.min(raw.length, maxBytes);
        List<String> arguments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (raw[i] == 0) {
                arguments.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < length) {
            arguments.add(new String(raw, start, length - start, StandardCharsets.UTF_8));
        }
        return arguments;
    }

    /** {@code /proc/<pid>/cgroup}: the cgroup2 path, else the first v1 one (see {@link CgroupPath#choose}). */
    public Optional<CgroupPath> cgroup(int pid) {
        return readText(processDir(pid).resolve("cgroup")).flatMap(CgroupPath::choose);
    }

    /** Inode of the process's network namespace, from the link {@code /proc/<pid>/ns/net -> net:[inode]}. */
    public OptionalLong netNamespaceInode(int pid) {
        Optional<String> link = readLink(processDir(pid).resolve("ns").resolve("net"));
        if (link.isEmpty()) {
            return OptionalLong.empty();
        }
        return bracketedNumber(link.get(), NET_NAMESPACE_LINK_PREFIX);
    }

    /** The real user id: the first number of the {@code Uid:} line of {@code /proc/<pid>/status}. */
    public OptionalInt uid(int pid) {
        Optional<String> status = readText(processDir(pid).resolve("status"));
        if (status.isEmpty()) {
            return OptionalInt.empty();
        }
        for (String line : status.get().split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] ids = line.substring("Uid:".length()).trim().split("\\s+");
                try {
                    return OptionalInt.of(Integer.parseInt(ids[0]));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Inodes of the sockets the process holds descriptors of ({@code /proc/<pid>/fd/* -> socket:[inode]}): the
     * same number that names a connection in the kernel's events and in {@code /proc/<pid>/net/tcp}. Empty when
     * the process vanished or its descriptors may not be read.
     */
    public Set<Long> socketInodes(int pid) {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(processDir(pid).resolve("fd"))) {
            for (Path fd : fds) {
                // An fd closed between the listing and the readlink just gives no answer.
                readLink(fd).ifPresent(target -> bracketedNumber(target, SOCKET_LINK_PREFIX).ifPresent(inodes::add));
            }
        } catch (IOException | DirectoryIteratorException e) {
            return inodes;
        }
        return inodes;
    }

    /**
     * A file of {@code /proc/<pid>/net/}: the network namespace the process is in now, whichever the reader is in.
     *
     * @param name the file, such as {@code tcp6} or {@code fib_trie}
     */
    public Optional<String> netFile(int pid, String name) {
        return readText(processDir(pid).resolve("net").resolve(name));
    }

    /** {@code /proc/self/mountinfo} of the reading process: where cgroup2 is mounted. */
    public Optional<String> selfMountinfo() {
        return readText(root.resolve("self").resolve("mountinfo"));
    }

    /** The kernel's boot id ({@code /proc/sys/kernel/random/boot_id}), a UUID new at every boot. */
    public Optional<String> bootId() {
        return readText(root.resolve("sys/kernel/random/boot_id")).map(String::strip);
    }

    /** The hostname of the reader's UTS namespace ({@code /proc/sys/kernel/hostname}, uname nodename). */
    public Optional<String> hostname() {
        return readText(root.resolve("sys/kernel/hostname")).map(String::strip);
    }

    /** The kernel release ({@code /proc/sys/kernel/osrelease}, uname release). */
    public Optional<String> kernelRelease() {
        return readText(root.resolve("sys/kernel/osrelease")).map(String::strip);
    }

    private Path processDir(int pid) {
        return root.resolve(Integer.toString(pid));
    }

    private static boolean isPid(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(name) <= Integer.MAX_VALUE;
    }

    /** Parses the N of links such as {@code socket:[N]} and {@code net:[N]}. */
    private static OptionalLong bracketedNumber(String link, String prefix) {
        if (!link.startsWith(prefix) || !link.endsWith("]")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(link.substring(prefix.length(), link.length() - 1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static Optional<String> readText(Path file) {
        return read(file).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Reads a whole file. procfs files report size 0 and are generated as they are read; readAllBytes reads to the
     * end regardless. A process that exits mid-read gives ENOENT or ESRCH ("No such process"), both IOExceptions.
     */
    private static Optional<byte[]> read(Path file) {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readLink(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
