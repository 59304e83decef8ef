package io.tapwire.collector.bpf;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import io.tapwire.bpf.KernelPrerequisites;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two test hosts on this machine: network namespaces {@link #clientNamespace()} (10.77.0.1/24) and
 * {@link #serverNamespace()} (10.77.0.2/24), joined by a veth pair. Traffic only ever goes between
 * them. {@link #close} deletes both namespaces, which deletes the veth pair.
 */
public final class TestNetwork implements AutoCloseable {

    public static final String CLIENT_ADDRESS = "10.77.0.1";
    public static final String SERVER_ADDRESS = "10.77.0.2";
    private static final String CLIENT_MAC = "02:77:00:00:00:01";
    private static final String SERVER_MAC = "02:77:00:00:00:02";

    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    private final String clientNamespace;
    private final String serverNamespace;
    private final String serverLink;

    private TestNetwork(String suffix) {
        this.clientNamespace = "tapwire-a-" + suffix;
        this.serverNamespace = "tapwire-b-" + suffix;
        this.serverLink = "twb" + suffix;
    }

    public static TestNetwork create() throws IOException, InterruptedException {
        TestNetwork network = new TestNetwork(UUID.randomUUID().toString().substring(0, 8));
        try {
            network.setUp();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            network.close();
            throw e;
        }
        return network;
    }

    private void setUp() throws IOException, InterruptedException {
        String clientLink = "twa" + serverLink.substring(3);
        ip("netns", "add", clientNamespace);
        ip("netns", "add", serverNamespace);
        ip("link", "add", clientLink, "address", CLIENT_MAC, "netns", clientNamespace, "type", "veth",
                "peer", "name", serverLink, "address", SERVER_MAC, "netns", serverNamespace);
        ip("-n", clientNamespace, "addr", "add", CLIENT_ADDRESS + "/24", "dev", clientLink);
        ip("-n", serverNamespace, "addr", "add", SERVER_ADDRESS + "/24", "dev", serverLink);
        // Permanent neighbour entries survive a carrier loss. With ARP, the kernel flushes the entry
        // when the link drops and holds new segments in the neighbour queue until it is back; TCP
        // does not retransmit a segment still queued in the host, so nothing would be lost.
        ip("-n", clientNamespace, "neigh", "replace", SERVER_ADDRESS, "lladdr", SERVER_MAC, "dev", clientLink,
                "nud", "permanent");
        ip("-n", serverNamespace, "neigh", "replace", CLIENT_ADDRESS, "lladdr", CLIENT_MAC, "dev", serverLink,
                "nud", "permanent");
        ip("-n", clientNamespace, "link", "set", clientLink, "up");
        ip("-n", serverNamespace, "link", "set", serverLink, "up");
    }

    public String clientNamespace() {
        return clientNamespace;
    }

    public String serverNamespace() {
        return serverNamespace;
    }

    /**
     * Takes the server's end of the link down or up. Down, the veth drops what the client sends
     * after the client's kernel has counted it as transmitted: TCP retransmits on its timers.
     */
    public void serverLink(boolean up) throws IOException, InterruptedException {
        ip("-n", serverNamespace, "link", "set", serverLink, up ? "up" : "down");
    }

    /**
     * A server socket on {@link #SERVER_ADDRESS} in the server namespace, accepting one connection and reading it to its
     * end, and a client connected to it from the client namespace.
     */
    public Connection connect() throws Exception {
        ServerSocket server = inNamespace(serverNamespace, () -> {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(SERVER_ADDRESS), 0));
            return socket;
        });
        CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> readToEnd(server));
        try {
            Socket client = inNamespace(clientNamespace, () -> {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getByName(SERVER_ADDRESS), server.getLocalPort()), 5000);
                return socket;
            });
            return new Connection(server, client, received);
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    /**
     * Writes 16 KiB every 2 ms (8 MB/s) from the client while the server's link goes down for 1.5 s, so data is in
     * flight when it drops and TCP retransmits on its timers (at about 0.2, 0.6 and 1.4 s); then closes the client and
     * returns the bytes sent, once the server has read every one of them.
     */
    public long writeAcrossALinkDrop(Connection connection) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> writeUntil(connection.client(), stop));
        Thread.sleep(200);
        serverLink(false);
        Thread.sleep(1500);
        serverLink(true);
        Thread.sleep(500);
        stop.set(true);
        long sent = writer.get(30, TimeUnit.SECONDS);
        connection.client().close();
        long received = connection.received().get(30, TimeUnit.SECONDS);
        if (received != sent) {
            throw new AssertionError("the server read " + received + " of the " + sent + " bytes sent");
        }
        return sent;
    }

    /** A connection from the client namespace to the server namespace; {@link #close} closes both ends. */
    public record Connection(ServerSocket server, Socket client, CompletableFuture<Long> received) implements AutoCloseable {
        public int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            client.close();
            server.close();
        }
    }

    private static long writeUntil(Socket socket, AtomicBoolean stop) {
        byte[] chunk = new byte[16 * 1024];
        long written = 0;
        try {
            OutputStream out = socket.getOutputStream();
            while (!stop.get()) {
                out.write(chunk);
                written += chunk.length;
                Thread.sleep(2);
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return written;
        }
    }

    private static long readToEnd(ServerSocket server) {
        try (Socket connection = server.accept()) {
            return connection.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The inode of the namespace, as /proc/&lt;pid&gt;/ns/net of a process inside it shows. */
    public long namespaceInode(String namespace) throws IOException {
        return ((Number) Files.getAttribute(Path.of("/var/run/netns", namespace), "unix:ino")).longValue();
    }

    /** Runs a command inside a namespace and returns its standard output. */
    public String exec(String namespace, String... command) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("netns", "exec", namespace));
        arguments.addAll(List.of(command));
        return ip(arguments.toArray(String[]::new));
    }

    /**
     * Calls {@code action} on a new thread that has joined the namespace (setns): sockets it creates
     * live in that namespace for the rest of their life, whichever thread uses them afterwards.
     */
    public <T> T inNamespace(String namespace, Callable<T> action) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                int fd = Libc.open("/var/run/netns/" + namespace, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                    throw new IOException("open /var/run/netns/" + namespace + ": errno " + Native.getLastError());
                }
                int joined = Libc.setns(fd, CLONE_NEWNET);
                int errno = Native.getLastError();
                Libc.close(fd);
                if (joined != 0) {
                    throw new IOException("setns(" + namespace + "): errno " + errno);
                }
                result.set(action.call());
            } catch (Exception e) {
                failure.set(e);
            }
        }, "in-netns-" + namespace);
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /** The Tcp RetransSegs counter of a namespace (/proc/net/snmp read from inside it). */
    public long retransSegs(String namespace) throws IOException, InterruptedException {
        List<String> tcp = exec(namespace, "cat", "/proc/net/snmp").lines()
                .filter(line -> line.startsWith("Tcp:")).toList();
        List<String> names = List.of(tcp.get(0).split("\\s+"));
        return Long.parseLong(tcp.get(1).split("\\s+")[names.indexOf("RetransSegs")]);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Deleting a namespace destroys the veth end in it, and with it the peer.
        for (String namespace : List.of(clientNamespace, serverNamespace)) {
            if (Files.exists(Path.of("/var/run/netns", namespace))) {
                ip("netns", "del", namespace);
            }
        }
    }

    private static String ip(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(KernelPrerequisites.ip()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** The libc calls Java has no API for. */
    private static final class Libc {
        static {
            Native.register(Libc.class, NativeLibrary.getInstance("c"));
        }

        static native int open(String path, int flags);

        static native int setns(int fd, int nstype);

        static native int close(int fd);
    }
}
