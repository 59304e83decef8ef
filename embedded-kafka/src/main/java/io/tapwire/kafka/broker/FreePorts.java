package io.tapwire.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks free loopback ports. A picked port can still be taken before it is bound: callers retry on bind failure. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port that was free on 127.0.0.1 a moment ago and is none of {@code avoid}. */
    public static int pick(int... avoid) {
        for (int i = 0; i < 20; i++) {
            int port = pickOnce();
            if (!contains(avoid, port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found");
    }

    static int requireValid(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0 (pick a free port) or 1-65535, was " + port);
        }
        return port;
    }

    private static int pickOnce() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback socket to find a free port", e);
        }
    }

    private static boolean contains(int[] ports, int port) {
        for (int p : ports) {
            if (p == port) {
                return true;
            }
        }
        return false;
    }
}
