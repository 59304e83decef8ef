package io.tapwire.servers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real MariaDB (Debian's 10.11) on 127.0.0.1 with a data directory of its own: mariadbd is started as root
 * with {@code --user=mysql} and switches to that user itself, so {@link #pid()} is the server. One process
 * serves every connection, a thread per connection.
 *
 * <p>{@link #USER} logs in over TCP with a password (mysql_native_password: the password is hashed with the
 * server's scramble, never sent in clear) and owns {@link #DATABASE}. Every command is given
 * {@code --no-defaults} so that Debian's /etc/mysql configuration (socket and paths under /run/mysqld) is not
 * read. The truth (status counters) is read as root over the server's unix socket.
 */
public final class MariaDb implements AutoCloseable {

    public static final String USER = "tapwire";
    public static final String PASSWORD = "tapwire-secret";
    public static final String DATABASE = "tapwire";

    private static final String SERVICE_USER = "mysql";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Small InnoDB files and pool: the defaults (a 96 MB redo log, a 128 MB pool) cost time and memory. */
    private static final List<String> INNODB_SIZES = List.of("--innodb-log-file-size=8M",
            "--innodb-buffer-pool-size=32M");

    private final ServerProcess server;
    private final int port;
    private final Path socket;

    public MariaDb() {
        String installDb = Commands.require("/usr/bin/mariadb-install-db", "mariadb-server");
        String mariadbd = Commands.require("/usr/sbin/mariadbd", "mariadb-server");
        Commands.requireUser(SERVICE_USER, "mariadb-server");
        port = Loopback.freePort();
        server = ServerProcess.inNewDirectory("mariadb", SERVICE_USER);
        Path directory = server.directory();
        Path data = directory.resolve("data");
        Path errorLog = directory.resolve("error.log");
        socket = directory.resolve("mysqld.sock");
        server.closeOnFailure(() -> {
            // root@localhost authenticates by unix_socket: the OS user root over the socket, no password.
            Commands.run(concat(List.of(installDb, "--no-defaults", "--user=" + SERVICE_USER, "--datadir=" + data,
                    "--auth-root-authentication-method=socket", "--skip-test-db"), INNODB_SIZES));
            server.start(concat(List.of(mariadbd, "--no-defaults", "--user=" + SERVICE_USER, "--datadir=" + data,
                    "--bind-address=" + Loopback.ADDRESS, "--port=" + port, "--socket=" + socket,
                    "--pid-file=" + directory.resolve("mariadbd.pid"), "--log-error=" + errorLog,
                    "--skip-name-resolve"), INNODB_SIZES), errorLog);
            server.awaitReady("answering mariadb-admin ping on its unix socket and listening on TCP", START_TIMEOUT,
                    () -> Loopback.tcpListening(port) && Commands.execute(List.of(client("mariadb-admin"),
                            "--no-defaults", "--socket=" + socket, "-u", "root", "ping"), Map.of(), START_TIMEOUT)
                            .exitCode() == 0);
            asRoot("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                    + " CREATE DATABASE " + DATABASE + ";"
                    + " GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + USER + "'@'%';");
        });
    }

    public int port() {
        return port;
    }

    public long pid() {
        return server.pid();
    }

    /**
     * Runs {@code sql} with the real mariadb client over TCP to 127.0.0.1 as {@link #USER} in {@link #DATABASE};
     * returns the rows tab-separated without column names ({@code --batch --skip-column-names}).
     */
    public String mariadb(String sql) {
        return Commands.run(List.of(client("mariadb"), "--no-defaults", "--protocol=TCP", "-h", Loopback.ADDRESS,
                "-P", Integer.toString(port), "-u", USER, "-p" + PASSWORD, "--batch", "--skip-column-names",
                "-e", sql, DATABASE));
    }

    /**
     * A global status counter such as {@code Com_select} or {@code Com_insert}: how many statements of that
     * kind the server ran. Read with SHOW GLOBAL STATUS over the unix socket, which itself counts once in
     * {@code Com_show_status}.
     */
    public long comCounter(String name) {
        String row = asRoot("SHOW GLOBAL STATUS LIKE '" + name.replace("'", "''") + "'").trim();
        String[] columns = row.split("\t");
        if (columns.length != 2) {
            throw new ServerException("MariaDB has no status counter " + name + "; SHOW GLOBAL STATUS gave: " + row);
        }
        return Long.parseLong(columns[1]);
    }

    @Override
    public void close() {
        server.close();
    }

    private String asRoot(String sql) {
        return Commands.run(List.of(client("mariadb"), "--no-defaults", "--socket=" + socket, "-u", "root",
                "--batch", "--skip-column-names", "-e", sql));
    }

    private static String client(String name) {
        return Commands.require("/usr/bin/" + name, "mariadb-client");
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
