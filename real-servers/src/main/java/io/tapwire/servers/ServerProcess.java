package io.tapwire.servers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One server started by a test: its scratch directory, its process (a direct child of the JVM, so that its
 * pid is the server's main pid), and its logs. Closing stops it by pid (SIGTERM, then SIGKILL after a grace
 * period, then any of its children still alive) and deletes the directory.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;
    private static final int TAIL_LINES = 30;

    private final String name;
    private final Path directory;
    private final List<Path> logs = new ArrayList<>();
    private Process process;
    private Thread shutdownHook;
    private boolean closed;

    private ServerProcess(String name, Path directory) {
        this.name = name;
        this.directory = directory;
    }

    /**
     * A fresh directory under java.io.tmpdir owned by the service user the server runs as. It is world-readable
     * (rwxr-xr-x) because some servers read from it under another user than the one that owns it: nginx's
     * workers run as www-data, the clients run as root.
     */
    static ServerProcess inNewDirectory(String name, String owner) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new ServerException(name + " is started as root, which then hands it to its service user: run the"
                    + " tests as root (sudo)");
        }
        try {
            Path directory = Files.createTempDirectory("tapwire-" + name + "-");
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setOwner(directory,
                    FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(owner));
            return new ServerProcess(name, directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory for " + name + " owned by " + owner, e);
        }
    }

    Path directory() {
        return directory;
    }

    /**
     * Starts the server with its standard output and error appended to {@code <name>.out.log} in the directory;
     * {@code moreLogs} are the files the server writes itself, shown with it when it fails.
     */
    void start(List<String> command, Path... moreLogs) {
        if (process != null) {
            throw new IllegalStateException(name + " is already started");
        }
        Path out = directory.resolve(name + ".out.log");
        logs.add(out);
        logs.addAll(List.of(moreLogs));
        try {
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        // A test that dies without closing must not leave a server behind on a shared machine.
        shutdownHook = new Thread(this::stop, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    long pid() {
        return started().pid();
    }

    /** The server's direct children (nginx's workers, PostgreSQL's background processes). */
    List<Long> childPids() {
        return started().toHandle().children().map(ProcessHandle::pid).toList();
    }

    /**
     * Polls {@code ready} until it holds; fails with the log tail when the server exits first or the deadline
     * passes. {@code condition} says what is awaited, for the message.
     */
    void awaitReady(String condition, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!started().isAlive()) {
                throw new ServerException(name + " exited with status " + process.exitValue() + " before " + condition
                        + "\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new ServerException(name + " (pid " + process.pid() + ") did not reach \"" + condition
                        + "\" within " + timeout.toSeconds() + " s\n" + logTail());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServerException("interrupted while waiting for " + name, e);
            }
        }
    }

    /** The last lines of each log of the server, for failure messages. */
    String logTail() {
        StringBuilder tail = new StringBuilder();
        for (Path log : logs) {
            tail.append("--- ").append(log).append(" ---\n");
            try {
                List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
                lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())
                        .forEach(line -> tail.append(line).append('\n'));
            } catch (IOException e) {
                tail.append("<unreadable: ").append(e).append(">\n");
            }
        }
        return tail.toString();
    }

    /** Runs {@code step} (configuration after the start); when it fails, stops the server before rethrowing. */
    void closeOnFailure(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: it stops the same pid, which is harmless.
            }
        }
        deleteDirectory();
    }

    private Process started() {
        if (process == null) {
            throw new IllegalStateException(name + " is not started");
        }
        return process;
    }

    private void stop() {
        if (process == null) {
            return;
        }
        ProcessHandle main = process.toHandle();
        // Taken before the signal: once the main process is gone its children are reparented and unfindable.
        List<ProcessHandle> descendants = main.descendants().toList();
        main.destroy();
        if (!exited(main, STOP_GRACE)) {
            main.destroyForcibly();
            exited(main, Duration.ofSeconds(5));
        }
        for (ProcessHandle descendant : descendants) {
            if (descendant.isAlive()) {
                descendant.destroyForcibly();
                exited(descendant, Duration.ofSeconds(5));
            }
        }
    }

    private static boolean exited(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot wait for pid " + handle.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + name + "'s directory " + directory, e);
        }
    }
}
