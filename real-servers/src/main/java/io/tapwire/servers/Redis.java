package io.tapwire.servers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A real Redis (Debian's 7.0) on 127.0.0.1 without persistence, running as the redis user like Debian's
 * service. It also listens on a unix socket in its directory, over which the truth (INFO commandstats) is
 * read, so that the truth queries never appear on the TCP port a test traces. With a password every client,
 * the socket's included, sends AUTH first (counted in {@code cmdstat_auth}).
 */
public final class Redis implements AutoCloseable {

    private static final String SERVICE_USER = "redis";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Optional<String> password;
    private final ServerProcess server;
    private final int port;
    private final Path socket;

    /** Without authentication. */
    public Redis() {
        this(Optional.empty());
    }

    /** With {@code requirepass}: clients must AUTH with this password. */
    public Redis(String requirepass) {
        this(Optional.of(requirepass));
    }

    private Redis(Optional<String> password) {
        this.password = password;
        String redisServer = Commands.require("/usr/bin/redis-server", "redis-server");
        Commands.requireUser(SERVICE_USER, "redis-server");
        port = Loopback.freePort();
        server = ServerProcess.inNewDirectory("redis", SERVICE_USER);
        socket = server.directory().resolve("redis.sock");
        List<String> command = new ArrayList<>(List.of(redisServer, "--port", Integer.toString(port),
                "--bind", Loopback.ADDRESS, "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", server.directory().toString(), "--unixsocket", socket.toString(), "--unixsocketperm", "700"));
        password.ifPresent(secret -> command.addAll(List.of("--requirepass", secret)));
        server.closeOnFailure(() -> {
            server.start(Commands.asUser(SERVICE_USER, command));
            server.awaitReady("answering PING on its unix socket", START_TIMEOUT,
                    () -> Loopback.tcpListening(port) && Commands.execute(overSocket(List.of("PING")), Map.of(),
                            START_TIMEOUT).stdout().contains("PONG"));
        });
    }

    public int port() {
        return port;
    }

    public long pid() {
        return server.pid();
    }

    /** Runs the real redis-cli over TCP to 127.0.0.1 with {@code args} (a command and its arguments). */
    public String redisCli(String... args) {
        List<String> command = new ArrayList<>(List.of(tool("redis-cli"), "-h", Loopback.ADDRESS,
                "-p", Integer.toString(port)));
        password.ifPresent(secret -> command.addAll(List.of("-a", secret, "--no-auth-warning")));
        command.addAll(List.of(args));
        return Commands.run(command);
    }

    /**
     * Runs the real redis-benchmark over TCP to 127.0.0.1 with {@code args}. With pipelining ({@code -P n}) it
     * sends the request count rounded up to a multiple of n: {@code -n 1000 -P 16} sends 1008 SETs.
     */
    public String redisBenchmark(String... args) {
        List<String> command = new ArrayList<>(List.of(tool("redis-benchmark"), "-h", Loopback.ADDRESS,
                "-p", Integer.toString(port)));
        password.ifPresent(secret -> command.addAll(List.of("-a", secret)));
        command.addAll(List.of(args));
        return Commands.run(command);
    }

    /**
     * How many times the server ran {@code command} since the start or the last {@link #resetStats()}, from
     * {@code cmdstat_<command>:calls=N} of INFO commandstats; 0 when it never ran. Subcommands are written
     * as Redis 7 names them, for example {@code config|get}.
     */
    public long commandCalls(String command) {
        String prefix = "cmdstat_" + command.toLowerCase(Locale.ROOT) + ":calls=";
        for (String line : Commands.run(overSocket(List.of("INFO", "commandstats"))).lines().toList()) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length(), line.indexOf(',', prefix.length())));
            }
        }
        return 0;
    }

    /** CONFIG RESETSTAT: zeroes the command statistics. */
    public void resetStats() {
        Commands.run(overSocket(List.of("CONFIG", "RESETSTAT")));
    }

    @Override
    public void close() {
        server.close();
    }

    private List<String> overSocket(List<String> args) {
        List<String> command = new ArrayList<>(List.of(tool("redis-cli"), "-s", socket.toString()));
        password.ifPresent(secret -> command.addAll(List.of("-a", secret, "--no-auth-warning")));
        command.addAll(args);
        return command;
    }

    private static String tool(String name) {
        return Commands.require("/usr/bin/" + name, "redis-tools");
    }
}
