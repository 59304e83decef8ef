package io.tapwire.benchmarks;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts the processes a benchmark wants the collector to see (servers, load generators) from a shell forked before
 * any collector started in this JVM. With {@code exclude-self} the kernel excludes the collector's process and every
 * process it forks from then on, so a load generator started by {@link ProcessBuilder} while a collector runs would
 * be invisible; the shell's children are not the collector's descendants and stay visible.
 */
final class TracedProcessLauncher implements AutoCloseable {

    private final Process shell;
    private final Writer commands;
    private final Path dir;
    private int next;

    private TracedProcessLauncher(Process shell, Path dir) {
        this.shell = shell;
        this.commands = shell.outputWriter(StandardCharsets.UTF_8);
        this.dir = dir;
    }

    /** Call before the first collector starts. {@code dir} holds the commands' output files. */
    static TracedProcessLauncher start(Path dir) throws IOException {
        Process shell = new ProcessBuilder("bash").redirectErrorStream(true)
                .redirectOutput(dir.resolve("launcher.log").toFile()).start();
        return new TracedProcessLauncher(shell, dir);
    }

    /** Runs {@code command} to its end and returns its output (stdout and stderr); fails on a non-zero exit. */
    synchronized String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        int id = next++;
        Path out = dir.resolve("cmd-" + id + ".out");
        Path rc = dir.resolve("cmd-" + id + ".rc");
        send(quote(command) + " > " + quote(out) + " 2>&1; echo $? > " + quote(rc) + ".tmp; mv " + quote(rc) + ".tmp "
                + quote(rc));
        String exit = await(rc, timeout, command);
        String output = Files.readString(out);
        Files.deleteIfExists(out);
        Files.deleteIfExists(rc);
        if (!exit.equals("0")) {
            throw new IOException(String.join(" ", command) + " exited with " + exit + ":\n" + output);
        }
        return output;
    }

    /** Starts {@code command} in the background, its output to {@code log}; returns its pid. */
    synchronized long startBackground(List<String> command, Path log) throws IOException, InterruptedException {
        Path pid = dir.resolve("bg-" + next++ + ".pid");
        send(quote(command) + " > " + quote(log) + " 2>&1 & echo $! > " + quote(pid) + ".tmp; mv " + quote(pid)
                + ".tmp " + quote(pid));
        return Long.parseLong(await(pid, Duration.ofSeconds(10), command));
    }

    private void send(String line) throws IOException {
        commands.write(line + "\n");
        commands.flush();
    }

    private String await(Path file, Duration timeout, List<String> command) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!shell.isAlive()) {
                throw new IOException("the launcher shell exited; see " + dir.resolve("launcher.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
            }
            Thread.sleep(50);
        }
        return Files.readString(file).trim();
    }

    private static String quote(List<String> command) {
        return command.stream().map(TracedProcessLauncher::quote).collect(Collectors.joining(" "));
    }

    private static String quote(Object word) {
        return "'" + word.toString().replace("'", "'\\''") + "'";
    }

    @Override
    public void close() throws InterruptedException {
        try {
            commands.close();
        } catch (IOException e) {
            // the shell is gone already
        }
        if (!shell.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            shell.destroyForcibly();
        }
    }
}
