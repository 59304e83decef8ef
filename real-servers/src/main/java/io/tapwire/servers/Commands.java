package io.tapwire.servers;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real clients and tools that come with the servers (psql, redis-cli, dig…) and checks that
 * they are installed. Imitates {@code io.tapwire.collector.app.HostCommand}, which is package-private, but
 * reads both output streams on their own threads so that a hanging client fails at its timeout.
 */
final class Commands {

    /** Long enough for a benchmark client of a test; a client that takes longer is stuck. */
    static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(2);
    private static final File DEV_NULL = new File("/dev/null");

    /** What a finished command printed. */
    record Output(int exitCode, String stdout, String stderr) {
    }

    private Commands() {
    }

    /** The binary at {@code path}; fails naming the Debian package that installs it. */
    static String require(String path, String aptPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new ServerException(path + " is missing: apt-get install -y --no-install-recommends " + aptPackage
                    + " (bin/lib/prerequisites.sh installs it)");
        }
        return path;
    }

    /** The service user a package creates (postgres, mysql, redis, memcache…); fails naming the package. */
    static String requireUser(String user, String aptPackage) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
            return user;
        } catch (UserPrincipalNotFoundException e) {
            throw new ServerException("user " + user + " is missing; the package that creates it is not installed: "
                    + "apt-get install -y --no-install-recommends " + aptPackage);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look up user " + user, e);
        }
    }

    /**
     * The command run as a service user. setpriv changes the ids and then execs, so the pid of the started
     * process is the pid of the command itself (runuser and su fork and stay as the parent).
     */
    static List<String> asUser(String user, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(require("/usr/bin/setpriv", "util-linux"),
                "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Runs the command to its end and returns its standard output; a non-zero exit or a timeout fails. */
    static String run(List<String> command) {
        return run(command, Map.of());
    }

    static String run(List<String> command, Map<String, String> environment) {
        Output output = execute(command, environment, CLIENT_TIMEOUT);
        if (output.exitCode() != 0) {
            throw new ServerException(String.join(" ", command) + " exited " + output.exitCode() + ": "
                    + output.stderr() + output.stdout());
        }
        return output.stdout();
    }

    /** Runs the command to its end whatever its exit code; only a timeout fails. */
    static Output execute(List<String> command, Map<String, String> environment, Duration timeout) {
        // The working directory is / so that a command run as a service user never starts in a directory it
        // cannot enter (initdb warns about that); paths given to commands are absolute.
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
        StreamReader stdout = new StreamReader(process.getInputStream());
        StreamReader stderr = new StreamReader(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new ServerException(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s: " + stderr.text() + stdout.text());
            }
            return new Output(process.exitValue(), stdout.text(), stderr.text());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ServerException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Drains one output stream so that the child never blocks on a full pipe. */
    private static final class StreamReader {

        private final Thread thread;
        private volatile byte[] bytes = new byte[0];

        StreamReader(InputStream stream) {
            thread = new Thread(() -> {
                try (stream) {
                    bytes = stream.readAllBytes();
                } catch (IOException e) {
                    bytes = ("<output unreadable: " + e + ">").getBytes(StandardCharsets.UTF_8);
                }
            }, "command-output");
            thread.setDaemon(true);
            thread.start();
        }

        String text() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(5));
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
