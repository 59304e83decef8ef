package io.tapwire.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real memcached (Debian's 1.6) on 127.0.0.1, TCP only ({@code -U 0}), started as root with
 * {@code -u memcache} (it refuses to run as root otherwise) and switching to that user itself, so
 * {@link #pid()} is the server. It answers with sendmsg.
 *
 * <p>The clients are libmemcached-tools' (Debian names them memccp, memccat, memcslap…; there is no
 * memcset: {@link #set} writes the value to a file and copies it with memccp). They speak the text protocol.
 */
public final class Memcached implements AutoCloseable {

    private static final String SERVICE_USER = "memcache";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final int STATS_TIMEOUT_MILLIS = 5_000;

    private final ServerProcess server;
    private final int port;
    private final Path values;

    public Memcached() {
        String memcached = Commands.require("/usr/bin/memcached", "memcached");
        Commands.requireUser(SERVICE_USER, "memcached");
        port = Loopback.freePort();
        server = ServerProcess.inNewDirectory("memcached", "root");
        values = server.directory().resolve("values");
        server.closeOnFailure(() -> {
            server.start(List.of(memcached, "-u", SERVICE_USER, "-l", Loopback.ADDRESS, "-p", Integer.toString(port),
                    "-U", "0", "-m", "64"));
            server.awaitReady("listening on " + Loopback.ADDRESS + ":" + port, START_TIMEOUT,
                    () -> Loopback.tcpListening(port));
        });
    }

    public int port() {
        return port;
    }

    public long pid() {
        return server.pid();
    }

    /**
     * The server's numeric "stats" counters (cmd_get, cmd_set, get_hits, curr_connections…); the few that are
     * not integers (version, rusage_user…) are left out. memcached has no unix socket beside TCP, so this
     * opens a TCP connection of its own to the traced port: call it before and after the traced phase rather
     * than during it, and expect that connection in a capture (it counts in total_connections, not in cmd_*).
     */
    public Map<String, Long> stats() {
        Map<String, Long> stats = new TreeMap<>();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(Loopback.ADDRESS, port), STATS_TIMEOUT_MILLIS);
            socket.setSoTimeout(STATS_TIMEOUT_MILLIS);
            socket.getOutputStream().write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); !"END".equals(line); line = reader.readLine()) {
                if (line == null) {
                    throw new ServerException("memcached closed the stats connection before END");
                }
                String[] fields = line.split(" ");
                if (fields.length == 3 && fields[0].equals("STAT") && fields[2].matches("-?\\d+")) {
                    stats.put(fields[1], Long.parseLong(fields[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read memcached's stats on port " + port, e);
        }
        return Collections.unmodifiableMap(stats);
    }

    /** Stores {@code value} under {@code key} with the real memccp (one "set" command). */
    public String set(String key, String value) {
        try {
            Files.createDirectories(values);
            Path file = values.resolve(key);
            Files.writeString(file, value);
            return memccp(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the value of " + key + " under " + values, e);
        }
    }

    /** The real memccp: each file is stored under its base name as the key. */
    public String memccp(Path... files) {
        List<String> command = new ArrayList<>(List.of(tool("memccp"), servers()));
        for (Path file : files) {
            command.add(file.toString());
        }
        return Commands.run(command);
    }

    /** The real memccat: prints the values of {@code keys}, each followed by a newline. */
    public String memccat(String... keys) {
        return run("memccat", keys);
    }

    /**
     * The real memcslap with {@code args}, for example {@code "--test=set", "--execute-number=100"}. Note that
     * {@code --test=get} first sets the keys it then gets: cmd_set grows as well as cmd_get.
     */
    public String memcslap(String... args) {
        return run("memcslap", args);
    }

    @Override
    public void close() {
        server.close();
    }

    private String run(String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool(tool), servers()));
        command.addAll(List.of(args));
        return Commands.run(command);
    }

    private String servers() {
        return "--servers=" + Loopback.ADDRESS + ":" + port;
    }

    private static String tool(String name) {
        return Commands.require("/usr/bin/" + name, "libmemcached-tools");
    }
}
