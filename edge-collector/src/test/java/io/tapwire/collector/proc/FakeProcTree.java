package io.tapwire.collector.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Builds a procfs-shaped tree in a test directory, so that readers can be tested on odd data the real /proc
 * rarely shows on demand. Symbolic links (exe, ns/net, fd/N) are real dangling links with the kernel's targets.
 */
public final class FakeProcTree {

    private final Path root;

    public FakeProcTree(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public ProcFs procFs() {
        return new ProcFs(root);
    }

    /** A process with a well-formed stat line; its other files are added through the returned handle. */
    public FakeProcess process(int pid, int ppid, long startTicks, String comm) {
        FakeProcess process = new FakeProcess(root.resolve(Integer.toString(pid)));
        process.stat(statLine(pid, comm, 'S', ppid, startTicks));
        process.file("comm", comm + "\n");
        return process;
    }

    /** A stat line as the kernel prints it (52 fields), field 22 being the start time. */
    public static String statLine(int pid, String comm, char state, int ppid, long startTicks) {
        String fields5to21 = IntStream.rangeClosed(5, 21).mapToObj(field -> field == 20 ? "1" : "0")
                .collect(Collectors.joining(" "));
        return pid + " (" + comm + ") " + state + " " + ppid + " " + fields5to21 + " " + startTicks
                + " 9420800 295 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    }

    /** Writes a file relative to the root (sys/kernel/hostname, self/mountinfo, ...). */
    public FakeProcTree file(String relative, String content) {
        write(root.resolve(relative), content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Removes a process's directory, as when it exits. */
    public void vanish(int pid) {
        deleteTree(root.resolve(Integer.toString(pid)));
    }

    /**
     * Deletes the tree's symbolic links. JUnit's temporary directory cleanup warns about every link that points
     * outside it (/dev/null, /usr/bin/...); call this from an @AfterEach to keep test output quiet.
     */
    public void removeLinks() {
        try (var paths = Files.walk(root)) {
            for (Path link : paths.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files of one fake process. */
    public static final class FakeProcess {
        private final Path dir;

        FakeProcess(Path dir) {
            this.dir = dir;
        }

        public FakeProcess stat(String line) {
            return file("stat", line);
        }

        public FakeProcess file(String name, String content) {
            return bytes(name, content.getBytes(StandardCharsets.UTF_8));
        }

        public FakeProcess bytes(String name, byte[] content) {
            write(dir.resolve(name), content);
            return this;
        }

        /** cmdline as the kernel writes it: each argument followed by NUL. */
        public FakeProcess cmdline(String... arguments) {
            StringBuilder text = new StringBuilder();
            for (String argument : arguments) {
                text.append(argument).append('\0');
            }
            return file("cmdline", text.toString());
        }

        public FakeProcess exe(String target) {
            return link("exe", target);
        }

        public FakeProcess cgroup(String text) {
            return file("cgroup", text);
        }

        public FakeProcess uid(int uid) {
            return file("status", "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1\nPid:\t1\nPPid:\t0\n"
                    + "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nGid:\t0\t0\t0\t0\n");
        }

        public FakeProcess netns(long inode) {
            return link("ns/net", "net:[" + inode + "]");
        }

        public FakeProcess fd(int fd, String target) {
            return link("fd/" + fd, target);
        }

        public FakeProcess socket(int fd, long inode) {
            return fd(fd, "socket:[" + inode + "]");
        }

        /** A file of /proc/&lt;pid&gt;/net/ (tcp, tcp6, dev, route, fib_trie, if_inet6). */
        public FakeProcess net(String name, String content) {
            return file("net/" + name, content);
        }

        public FakeProcess link(String name, String target) {
            Path link = dir.resolve(name);
            try {
                Files.createDirectories(link.getParent());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, Path.of(target));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
