package io.tapwire.collector.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What *KernelIT tests need from the real machine: root, commands (ip, sleep), and network namespaces they
 * create and delete themselves.
 */
public final class RealMachine {

    private RealMachine() {
    }

    /** Fails (never skips) when not root: these tests read every process's /proc and create namespaces. */
    public static void requireRoot() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(uid).as("*KernelIT tests read all of /proc, create network namespaces and cgroups, and must run "
                + "as root (uid 0); this JVM runs as uid %d. Run the build as root.", uid).isZero();
    }

    /** Runs a command, returning its standard output; fails with its error output when it exits non-zero. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": "
                    + new String(err, StandardCharsets.UTF_8).strip());
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The socket inodes this JVM holds now, from /proc/self/fd. */
    public static List<Long> ownSocketInodes() {
        return new ArrayList<>(ProcFs.system().socketInodes((int) ProcessHandle.current().pid()));
    }

    /**
     * A network namespace made with {@code ip netns add} and a process kept in it (a namespace no process is in is
     * invisible through /proc). {@link #close} kills the process and deletes the namespace.
     */
    public static final class TestNamespace implements AutoCloseable {
        private final String name;
        private Process member;

        private TestNamespace(String name) {
            this.name = name;
        }

        public static TestNamespace create() throws IOException, InterruptedException {
            TestNamespace namespace = new TestNamespace("tapwire-inv-" + UUID.randomUUID().toString().substring(0, 8));
            run("ip", "netns", "add", namespace.name);
            return namespace;
        }

        public String name() {
            return name;
        }

        /** Runs {@code ip netns exec NAME command...}. */
        public String exec(String... command) throws IOException, InterruptedException {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
            full.addAll(List.of(command));
            return run(full.toArray(String[]::new));
        }

        /** Starts a sleeping process inside (ip execs sleep after setns: the pid is the sleep's). */
        public long startMember() throws IOException, InterruptedException {
            member = new ProcessBuilder("ip", "netns", "exec", name, "sleep", "60").start();
            long pid = member.pid();
            for (int i = 0; i < 100; i++) {
                if (ProcFs.system().comm((int) pid).orElse("").equals("sleep")) {
                    return pid;
                }
                Thread.sleep(20);
            }
            throw new IOException("the process started in namespace " + name + " did not exec sleep");
        }

        /** The namespace's inode, as /proc/&lt;pid&gt;/ns/net of its members shows it. */
        public long inode() throws IOException {
            return ((Number) Files.getAttribute(Path.of("/var/run/netns", name), "unix:ino")).longValue();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (member != null) {
                member.destroyForcibly();
                member.waitFor(10, TimeUnit.SECONDS);
            }
            run("ip", "netns", "del", name);
        }
    }
}
