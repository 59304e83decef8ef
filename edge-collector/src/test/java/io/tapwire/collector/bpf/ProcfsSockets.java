package io.tapwire.collector.bpf;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What /proc says about sockets: the independent witness the kernel events are compared with. */
final class ProcfsSockets {

    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    private ProcfsSockets() {
    }

    /** Inodes of the sockets /proc/&lt;pid&gt;/fd links to (socket:[inode]). */
    static Set<Long> socketInodes(long pid) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Matcher matcher = SOCKET_LINK.matcher(Files.readSymbolicLink(fd).toString());
                    if (matcher.matches()) {
                        inodes.add(Long.parseLong(matcher.group(1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // an fd closed between list and readlink: not ours to care about
                }
            }
        }
        return inodes;
    }

    /**
     * The inode /proc/net/tcp or tcp6 lists for a local port and remote port (0 for a listener), as
     * read by {@code lines} (the file's lines, from whichever network namespace).
     */
    static OptionalLong inodeOf(List<String> lines, int localPort, int remotePort) {
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10 || !fields[1].contains(":")) {
                continue;
            }
            int local = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16);
            int remote = Integer.parseInt(fields[2].substring(fields[2].indexOf(':') + 1), 16);
            if (local == localPort && remote == remotePort && !fields[9].equals("0")) {
                return OptionalLong.of(Long.parseLong(fields[9]));
            }
        }
        return OptionalLong.empty();
    }

    /** /proc/net/tcp and /proc/net/tcp6 of the calling thread's network namespace. */
    static List<String> tcpTable() throws IOException {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of("/proc/thread-self/net/tcp")));
        lines.addAll(Files.readAllLines(Path.of("/proc/thread-self/net/tcp6")));
        return lines;
    }

    /** An IPv4 address as text, also when it came as a v4-mapped IPv6 address. */
    static String ipv4(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new AssertionError("expected an IPv4 (or v4-mapped) address, got " + address);
        }
        return address.getHostAddress().toLowerCase(Locale.ROOT);
    }
}
