package io.tapwire.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The traced server: a private nginx with one worker on 127.0.0.1, pinned to {@code cpus}. It serves a 600-byte
 * static file ({@code /static.txt}, sent with sendfile) and a constant body under {@code /api/} for any path (writev).
 * Tuned the way a benchmark target usually is: no access log, keep-alive connections never closed by nginx (its
 * default closes each after 1,000 requests).
 */
final class BenchmarkNginx implements AutoCloseable {

    static final String STATIC_PATH = "/static.txt";
    static final int STATIC_BYTES = 600;

    private final int port;
    private final long pid;
    /** Stops nginx when the benchmark is stopped (Ctrl-C, SIGTERM), which runs no close() of its own. */
    private final Thread stopOnExit = new Thread(this::stop, "benchmark-nginx-stop");

    private BenchmarkNginx(int port, long pid) {
        this.port = port;
        this.pid = pid;
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    static BenchmarkNginx start(TracedProcessLauncher launcher, Path dir, String cpus) throws IOException, InterruptedException {
        int port = freePort();
        Path html = Files.createDirectories(dir.resolve("html"));
        Files.writeString(html.resolve(STATIC_PATH.substring(1)), staticBody());
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                daemon off;
                master_process on;
                user www-data;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    sendfile on;
                    keepalive_requests 1000000;
                    client_body_temp_path %1$s/tmp;
                    proxy_temp_path %1$s/tmp;
                    fastcgi_temp_path %1$s/tmp;
                    uwsgi_temp_path %1$s/tmp;
                    scgi_temp_path %1$s/tmp;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/html;
                        location /api/ { default_type text/plain; return 200 "ok\\n"; }
                    }
                }
                """.formatted(dir, port));
        // The workers run as www-data: they must be able to reach and read the files.
        for (Path path : List.of(dir.getParent(), dir, html, html.resolve(STATIC_PATH.substring(1)))) {
            String mode = Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--";
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        }
        long pid = launcher.startBackground(List.of("taskset", "-c", cpus, "/usr/sbin/nginx", "-c", conf.toString(),
                "-p", dir.toString()), dir.resolve("nginx.out"));
        BenchmarkNginx nginx = new BenchmarkNginx(port, pid);
        try {
            nginx.awaitListening(dir);
            nginx.check(STATIC_PATH, STATIC_BYTES);
            nginx.check("/api/v1/users/1", 3);
        } catch (IOException | InterruptedException | RuntimeException e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void awaitListening(Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("nginx did not listen on 127.0.0.1:" + port + " within 10 s: "
                + Files.readString(dir.resolve("nginx.out")) + readIfExists(dir.resolve("error.log")));
    }

    /** A benchmark of 403s measures nothing: fail unless {@code path} answers 200 with {@code bytes} bytes. */
    private void check(String path, int bytes) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url(path))).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200 || response.body().length != bytes) {
            throw new IOException("nginx answered " + url(path) + " with " + response.statusCode() + " and "
                    + response.body().length + " bytes, expected 200 and " + bytes);
        }
    }

    private static String readIfExists(Path path) throws IOException {
        return Files.exists(path) ? Files.readString(path) : "";
    }

    private static String staticBody() {
        StringBuilder body = new StringBuilder(STATIC_BYTES);
        while (body.length() < STATIC_BYTES) {
            body.append("Tapwire L7 capture benchmark static body. ");
        }
        body.setLength(STATIC_BYTES - 1);
        return body.append('\n').toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook stops nginx
        }
        stop();
    }

    /** SIGTERM to the master (a fast shutdown of it and its worker), and waits until it has exited. */
    private void stop() {
        ProcessHandle.of(pid).ifPresent(master -> {
            master.destroy();
            try {
                master.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                master.destroyForcibly();
            }
        });
    }
}
