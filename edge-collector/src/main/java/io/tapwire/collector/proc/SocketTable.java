package io.tapwire.collector.proc;

import io.tapwire.collector.bpf.TcpState;
import io.tapwire.schemas.raw.Transport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The IP sockets of a network namespace and the processes holding them, from procfs: {@code /proc/<pid>/net/tcp},
 * {@code tcp6}, {@code udp} and {@code udp6} list the sockets of the namespace the process is in, {@code /proc/<pid>/fd} links name the
 * sockets a process holds by inode. Thread-safe: it holds no state but the reader.
 */
public final class SocketTable {

    private final ProcFs procFs;

    /** A reader of the sockets visible in {@code procFs}. */
    public SocketTable(ProcFs procFs) {
        this.procFs = procFs;
    }

    /**
     * The TCP and UDP sockets (IPv4 and IPv6) of the namespace {@code pid} is in, TCP first. Empty when the process
     * vanished; a missing tcp6 or udp6 (IPv6 disabled in the kernel) only means no IPv6 sockets.
     */
    public Optional<List<InetSocket>> sockets(int pid) {
        Optional<String> tcp = procFs.netFile(pid, "tcp");
        if (tcp.isEmpty()) {
            return Optional.empty();
        }
        List<InetSocket> sockets = new ArrayList<>(parse(tcp.get(), false, Transport.TCP));
        procFs.netFile(pid, "tcp6").ifPresent(tcp6 -> sockets.addAll(parse(tcp6, true, Transport.TCP)));
        procFs.netFile(pid, "udp").ifPresent(udp -> sockets.addAll(parse(udp, false, Transport.UDP)));
        procFs.netFile(pid, "udp6").ifPresent(udp6 -> sockets.addAll(parse(udp6, true, Transport.UDP)));
        return Optional.of(sockets);
    }

    /**
     * Which processes hold a descriptor of which socket: socket inode → pids, ascending. A socket is often held by
     * several processes (inherited across fork, passed over a Unix socket); processes whose descriptors cannot be
     * read are missing from the answer.
     */
    public Map<Long, SortedSet<Integer>> holders(Collection<Integer> pids) {
        Map<Long, SortedSet<Integer>> holders = new TreeMap<>();
        for (int pid : pids) {
            Set<Long> inodes = procFs.socketInodes(pid);
            for (long inode : inodes) {
                holders.computeIfAbsent(inode, key -> new TreeSet<>()).add(pid);
            }
        }
        return holders;
    }

    /**
     * Parses the text of net/tcp, tcp6, udp or udp6 (one format). A line reads
     * {@code sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...}, the
     * addresses as {@code HEX:PORT} (see {@link AddressText} for the byte order), st and ports in hex. Lines that
     * do not have that shape are skipped.
     */
    public static List<InetSocket> parse(String text, boolean ipv6, Transport transport) {
        List<InetSocket> sockets = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10 || !fields[0].endsWith(":")) {
                continue;
            }
            try {
                Endpoint local = Endpoint.parse(fields[1], ipv6);
                Endpoint remote = Endpoint.parse(fields[2], ipv6);
                TcpState state = TcpState.ofCode(Integer.parseInt(fields[3], 16));
                int uid = Integer.parseInt(fields[7]);
                long inode = Long.parseLong(fields[9]);
                sockets.add(new InetSocket(transport, inode, state, ipv6, local.address(), local.port(), remote.address(),
                        remote.port(), uid));
            } catch (IllegalArgumentException e) {
                // NumberFormatException included: a malformed line names no socket.
            }
        }
        return sockets;
    }

    private record Endpoint(String address, int port) {

        static Endpoint parse(String field, boolean ipv6) {
            int colon = field.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("no port in '" + field + "'");
            }
            String hex = field.substring(0, colon);
            byte[] address = ipv6 ? AddressText.ipv6FromProcHex(hex) : AddressText.ipv4FromProcHex(hex);
            int port = Integer.parseInt(field.substring(colon + 1), 16);
            if (port > 0xffff) {
                throw new IllegalArgumentException("port out of range in '" + field + "'");
            }
            return new Endpoint(AddressText.of(address), port);
        }
    }
}
