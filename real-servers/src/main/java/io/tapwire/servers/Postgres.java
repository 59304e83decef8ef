package io.tapwire.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian's 15) on 127.0.0.1, in a cluster of its own, running as the postgres user.
 * {@link #pid()} is the postmaster; each client connection is served by a backend process it forks.
 *
 * <p>TCP from 127.0.0.1 uses {@code password} authentication: the server asks for the password in clear
 * and the client's PasswordMessage carries it, so a capture shows it. {@link #USER} owns {@link #DATABASE}.
 * The clients keep libpq's defaults, so each TCP connection starts with an SSLRequest answered 'N' (the
 * server has no TLS) before the StartupMessage.
 *
 * <p>The truth about what the server executed comes from pg_stat_statements, read as the superuser over the
 * cluster's unix socket, so that the truth queries never appear on the TCP port a test traces.
 */
public final class Postgres implements AutoCloseable {

    public static final String USER = "tapwire";
    public static final String PASSWORD = "tapwire-secret";
    public static final String DATABASE = "tapwire";

    private static final String SERVICE_USER = "postgres";
    private static final String APT_PACKAGE = "postgresql";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path bin;
    private final ServerProcess server;
    private final int port;

    public Postgres() {
        bin = serverBinaries();
        Commands.requireUser(SERVICE_USER, APT_PACKAGE);
        port = Loopback.freePort();
        server = ServerProcess.inNewDirectory("postgres", SERVICE_USER);
        Path directory = server.directory();
        Path data = directory.resolve("data");
        server.closeOnFailure(() -> {
            Commands.run(Commands.asUser(SERVICE_USER, List.of(binary("initdb"), "-D", data.toString(),
                    "-U", SERVICE_USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")));
            writeHostBasedAuthentication(data);
            server.start(Commands.asUser(SERVICE_USER, List.of(binary("postgres"), "-D", data.toString(),
                    "-p", Integer.toString(port), "-k", directory.toString(),
                    "-c", "listen_addresses=" + Loopback.ADDRESS,
                    "-c", "shared_preload_libraries=pg_stat_statements",
                    // A test cluster is thrown away: durability would only cost time.
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")));
            server.awaitReady("accepting connections on its unix socket", START_TIMEOUT, () -> Commands.execute(
                    superuserPsql("postgres", List.of("SELECT 1")), Map.of(), START_TIMEOUT).exitCode() == 0);
            superuser("postgres", "CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'",
                    "CREATE DATABASE " + DATABASE + " OWNER " + USER);
            superuser(DATABASE, "CREATE EXTENSION pg_stat_statements");
            resetStatements();
        });
    }

    public int port() {
        return port;
    }

    /** The postmaster. */
    public long pid() {
        return server.pid();
    }

    /**
     * Runs {@code sql} with the real psql over TCP to 127.0.0.1 as {@link #USER} with its password, and returns
     * what psql printed: rows unaligned ({@code -A -t}, columns separated by '|'), and command tags.
     */
    public String psql(String sql) {
        return Commands.run(List.of(binary("psql"), "-h", Loopback.ADDRESS, "-p", Integer.toString(port),
                "-U", USER, "-d", DATABASE, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql),
                passwordEnvironment());
    }

    /**
     * Runs the real pgbench over TCP to 127.0.0.1 as {@link #USER} against {@link #DATABASE}, with {@code args}
     * before the database name (for example {@code "-i", "-s", "1"} then {@code "-n", "-S", "-t", "100"}).
     * Returns pgbench's standard output, where it prints its results.
     */
    public String pgbench(String... args) {
        List<String> command = new ArrayList<>(List.of(binary("pgbench"), "-h", Loopback.ADDRESS,
                "-p", Integer.toString(port), "-U", USER));
        command.addAll(List.of(args));
        command.add(DATABASE);
        return Commands.run(command, passwordEnvironment());
    }

    /**
     * Runs {@code sql} as the superuser over the unix socket in {@link #DATABASE}: for set-up (tables, rows) that
     * must not show up on the TCP port. It is still counted in pg_stat_statements.
     */
    public String psqlAsSuperuser(String sql) {
        return superuser(DATABASE, sql);
    }

    /**
     * How many times the server executed statements whose normalised text (constants replaced by $1, $2…) is
     * LIKE {@code queryLike}, summed over users and databases. Statements that mention pg_stat_statements are
     * left out, so that this method's own queries never count.
     */
    public long statementCalls(String queryLike) {
        String calls = superuser(DATABASE, "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
                + " WHERE query LIKE '" + queryLike.replace("'", "''") + "' AND query NOT LIKE '%pg_stat_statements%'");
        return Long.parseLong(calls.trim());
    }

    public void resetStatements() {
        superuser(DATABASE, "SELECT pg_stat_statements_reset()");
    }

    @Override
    public void close() {
        server.close();
    }

    private String superuser(String database, String... statements) {
        return Commands.run(superuserPsql(database, List.of(statements)));
    }

    /** psql over the unix socket in the server's directory; each statement in its own transaction. */
    private List<String> superuserPsql(String database, List<String> statements) {
        List<String> command = new ArrayList<>(List.of(binary("psql"), "-h", server.directory().toString(),
                "-p", Integer.toString(port), "-U", SERVICE_USER, "-d", database, "-X", "-A", "-t", "-q",
                "-v", "ON_ERROR_STOP=1"));
        for (String statement : statements) {
            command.add("-c");
            command.add(statement);
        }
        return command;
    }

    private static Map<String, String> passwordEnvironment() {
        return Map.of("PGPASSWORD", PASSWORD, "PGCONNECT_TIMEOUT", "10");
    }

    private static void writeHostBasedAuthentication(Path data) {
        try {
            Files.writeString(data.resolve("pg_hba.conf"), """
                    # TYPE  DATABASE  USER  ADDRESS       METHOD
                    local   all       all                 trust
                    host    all       all   127.0.0.1/32  password
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf into " + data, e);
        }
    }

    /**
     * A binary of the server's version directory. The clients are taken from there too: /usr/bin/psql is
     * Debian's Perl wrapper, which picks a version and then execs the same binary.
     */
    private String binary(String name) {
        return Commands.require(bin.resolve(name).toString(), APT_PACKAGE);
    }

    /** /usr/lib/postgresql/&lt;newest major&gt;/bin: Debian keeps initdb and postgres off the PATH. */
    private static Path serverBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions.filter(version -> Files.isExecutable(version.resolve("bin/postgres")))
                        .filter(version -> version.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(version -> Integer.parseInt(version.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
        }
        throw new ServerException("no PostgreSQL server under " + root
                + ": apt-get install -y --no-install-recommends postgresql postgresql-contrib");
    }
}
