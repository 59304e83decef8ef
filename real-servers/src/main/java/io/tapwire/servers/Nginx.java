package io.tapwire.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A real nginx (Debian's nginx 1.22) on 127.0.0.1 serving files over HTTP/1.1: one master, run in the
 * foreground as a child of the JVM ({@link #pid()}), and one worker running as www-data
 * ({@link #workerPids()}); the worker is the process that reads requests and writes responses. Responses
 * with file bodies go out with sendfile, so their bodies are invisible in the worker's write syscalls.
 *
 * <p>{@code /} serves {@link #docroot()}; {@link #PROTECTED_PATH} serves {@code docroot()/private} behind HTTP
 * Basic authentication with {@link #BASIC_AUTH_USER} and {@link #BASIC_AUTH_PASSWORD}. Both hold an
 * {@code index.html}. Each answered request appends a line to the access log in this format:
 * {@code 127.0.0.1:<client port> "<request line>" <status> <bytes sent> <body bytes sent>}.
 */
public final class Nginx implements AutoCloseable {

    public static final String BASIC_AUTH_USER = "tapwire";
    public static final String BASIC_AUTH_PASSWORD = "tapwire-secret";
    public static final String PROTECTED_PATH = "/private/";
    /** Every path under it answers 500 Internal Server Error (nginx's {@code return 500}). */
    public static final String FAILING_PATH = "/failing/";
    /** What {@code /index.html} and {@code /private/index.html} hold when the test has not replaced them. */
    public static final String INDEX_BODY = "<html><body>tapwire</body></html>\n";

    private static final String WORKER_USER = "www-data";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final ServerProcess server;
    private final int port;
    private final Path docroot;
    private final Path accessLog;

    public Nginx() {
        String nginx = Commands.require("/usr/sbin/nginx", "nginx");
        Commands.requireUser(WORKER_USER, "nginx");
        port = Loopback.freePort();
        server = ServerProcess.inNewDirectory("nginx", "root");
        Path directory = server.directory();
        docroot = directory.resolve("html");
        accessLog = directory.resolve("access.log");
        Path errorLog = directory.resolve("error.log");
        server.closeOnFailure(() -> {
            writeSite(directory);
            server.start(List.of(nginx, "-p", directory + "/", "-c", directory.resolve("nginx.conf").toString(),
                    "-e", errorLog.toString()), errorLog);
            server.awaitReady("listening on " + Loopback.ADDRESS + ":" + port + " with a worker", START_TIMEOUT,
                    () -> Loopback.tcpListening(port) && !server.childPids().isEmpty());
        });
    }

    public int port() {
        return port;
    }

    /** The master process. */
    public long pid() {
        return server.pid();
    }

    /** The worker processes (one): they accept the connections and do the socket I/O. */
    public List<Long> workerPids() {
        return server.childPids();
    }

    /** {@code http://127.0.0.1:<port><path>}; {@code path} starts with a slash. */
    public String url(String path) {
        return "http://" + Loopback.ADDRESS + ":" + port + path;
    }

    /** GETs {@code path} with the real curl (a new process and connection each time) and returns the HTTP status. */
    public int curl(String path) {
        String status = Commands.run(List.of(Commands.require("/usr/bin/curl", "curl"), "-s", "-o", "/dev/null",
                "-w", "%{http_code}", url(path)));
        return Integer.parseInt(status.trim());
    }

    /** Where {@code /} is served from; files the test puts here must be readable by www-data. */
    public Path docroot() {
        return docroot;
    }

    /**
     * The access log so far, one line per answered request. nginx writes the line just after the response,
     * so a client that has its answer may look a moment before the line is there: poll for it.
     */
    public List<String> accessLogLines() {
        try {
            return Files.exists(accessLog) ? Files.readAllLines(accessLog) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + accessLog, e);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    private void writeSite(Path directory) {
        try {
            Files.createDirectories(docroot.resolve("private"));
            Files.createDirectories(directory.resolve("temp"));
            Files.writeString(docroot.resolve("index.html"), INDEX_BODY);
            Files.writeString(docroot.resolve("private").resolve("index.html"), INDEX_BODY);
            Files.writeString(directory.resolve("htpasswd"),
                    BASIC_AUTH_USER + ":{SHA}" + sha1Base64(BASIC_AUTH_PASSWORD) + "\n");
            Files.writeString(directory.resolve("nginx.conf"), configuration(directory));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write nginx's site into " + directory, e);
        }
    }

    private String configuration(Path directory) {
        // Temp paths are set so that nothing outside the directory is touched (Debian's default is /var/lib/nginx);
        // nginx creates them, but not their parent.
        // keepalive_requests: nginx closes a connection after 1000 requests by default, which a load test would
        // see as extra connections.
        return """
                user %1$s;
                worker_processes 1;
                daemon off;
                pid %2$s/nginx.pid;
                events {
                    worker_connections 1024;
                }
                http {
                    types {
                        text/html html;
                        text/plain txt;
                        application/json json;
                    }
                    default_type application/octet-stream;
                    sendfile on;
                    keepalive_timeout 65s;
                    keepalive_requests 100000;
                    client_body_temp_path %2$s/temp/body;
                    proxy_temp_path %2$s/temp/proxy;
                    fastcgi_temp_path %2$s/temp/fastcgi;
                    uwsgi_temp_path %2$s/temp/uwsgi;
                    scgi_temp_path %2$s/temp/scgi;
                    log_format tapwire '$remote_addr:$remote_port "$request" $status $bytes_sent $body_bytes_sent';
                    access_log %2$s/access.log tapwire;
                    server {
                        listen %3$s:%4$d;
                        server_name localhost;
                        root %5$s;
                        location / {
                        }
                        location %7$s {
                            return 500;
                        }
                        location %6$s {
                            auth_basic "tapwire";
                            auth_basic_user_file %2$s/htpasswd;
                        }
                    }
                }
                """.formatted(WORKER_USER, directory, Loopback.ADDRESS, port, docroot, PROTECTED_PATH, FAILING_PATH);
    }

    /** nginx's {SHA} password scheme: base64 of the SHA-1 digest (htpasswd -s; apache2-utils is not needed). */
    private static String sha1Base64(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }
}
