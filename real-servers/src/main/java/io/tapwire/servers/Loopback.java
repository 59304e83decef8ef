package io.tapwire.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports on 127.0.0.1: finding a free one, and seeing whether a server listens on it. Readiness is read from
 * /proc/net rather than probed with a connection, so that no stray connection of the test JVM reaches the
 * server's port.
 */
final class Loopback {

    static final String ADDRESS = "127.0.0.1";
    /** 127.0.0.1 as /proc/net/tcp prints it: the address in host byte order, hex. */
    private static final String PROC_ADDRESS = "0100007F";
    private static final String TCP_LISTEN = "0A";
    private static final String UDP_UNCONNECTED = "07";
    /**
     * Every port handed out in this JVM. A port is never handed out twice: tests that share one traced stack find
     * a server's records by its address, and a later server on an earlier server's port would see the earlier
     * one's records as its own (a psql statement counted as an nginx request).
     */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Loopback() {
    }

    /**
     * A port free for both TCP and UDP on 127.0.0.1 at the time of the call (a DNS server needs both). Another
     * process may take it before the server binds it; the kernel hands out ephemeral ports from the same
     * range, so the window is short but not closed. Never a port handed out before in this JVM.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ADDRESS))) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a TCP port on " + ADDRESS, e);
            }
            // claimed before the UDP check, in one step: two threads never get the same port (a port whose UDP side
            // is busy stays claimed, unused)
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try {
                new DatagramSocket(new InetSocketAddress(ADDRESS, port)).close();
                return port;
            } catch (IOException busy) {
                // The UDP port is taken: try another.
            }
        }
        throw new ServerException("no port on " + ADDRESS + " free for both TCP and UDP after 50 attempts");
    }

    static boolean tcpListening(int port) {
        return hasSocket(Path.of("/proc/net/tcp"), port, TCP_LISTEN);
    }

    static boolean udpBound(int port) {
        return hasSocket(Path.of("/proc/net/udp"), port, UDP_UNCONNECTED);
    }

    private static boolean hasSocket(Path table, int port, String state) {
        String local = PROC_ADDRESS + ":" + String.format(Locale.ROOT, "%04X", port);
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + table, e);
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields[1].equals(local) && fields[3].equals(state)) {
                return true;
            }
        }
        return false;
    }
}
