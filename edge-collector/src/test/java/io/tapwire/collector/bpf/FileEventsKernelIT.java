package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.collector.proc.ProcStat;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Files opened for writing, by the test JVM and by a child, checked against /proc/self/fd. */
class FileEventsKernelIT {

    private static final int JVM_PID = (int) ProcessHandle.current().pid();
    private static final int O_ACCMODE = 03;
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_APPEND = 02000;

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @Test
    void aFileOpenedForWritingArrivesWithItsPathAndFd() throws Exception {
        Path file = testFile();
        try (EventRecorder recorder = EventRecorder.start()) {
            try (FileOutputStream out = new FileOutputStream(file.toFile())) {
                int fd = fdOf(file);
                out.write('x');

                FileOpenEvent open = recorder.await(FileOpenEvent.class,
                        e -> e.path().equals(file.toString()), "open of " + file);

                assertThat(open.fd()).as("the fd /proc/self/fd links to the file").isEqualTo(fd);
                assertThat(open.task().pid()).isEqualTo(JVM_PID);
                assertThat(open.processStartTicks())
                        .as("field 22 of /proc/self/stat, though the opening thread is not the group leader")
                        .isEqualTo(jvmStartTicks());
                assertThat(open.openFlags() & O_ACCMODE).isEqualTo(O_WRONLY);
                assertThat(open.openFlags() & (O_CREAT | O_TRUNC)).isEqualTo(O_CREAT | O_TRUNC);
                assertThat(open.pathTruncated()).isFalse();
                assertThat(open.task().netnsInode())
                        .isEqualTo(((Number) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino")).longValue());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A thread's own start time (field 22 of {@code /proc/<pid>/task/<tid>/stat}) is when it was cloned; records
     * must carry the process's, which names it in {@code /proc/<pid>/stat} and in process events.
     */
    @Test
    void aThreadStartedLateCarriesTheStartTicksOfItsProcess() throws Exception {
        Path file = testFile();
        try (EventRecorder recorder = EventRecorder.start()) {
            long[] threadStartTicks = new long[1];
            Thread opener = new Thread(() -> {
                try {
                    threadStartTicks[0] = startTicks(Path.of("/proc/thread-self/stat"));
                    new FileOutputStream(file.toFile()).close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "late-opener");
            opener.start();
            opener.join();

            FileOpenEvent open = recorder.await(FileOpenEvent.class,
                    e -> e.path().equals(file.toString()), "open of " + file);

            assertThat(open.task().comm()).isEqualTo("late-opener");
            assertThat(threadStartTicks[0]).as("precondition: the thread started after the JVM")
                    .isGreaterThan(jvmStartTicks());
            assertThat(open.processStartTicks()).isEqualTo(jvmStartTicks());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void openingForReadingIsNotReported() throws Exception {
        Path readOnly = testFile();
        Path marker = testFile();
        Files.writeString(readOnly, "data");
        try (EventRecorder recorder = EventRecorder.start()) {
            assertThat(Files.readString(readOnly)).isEqualTo("data");
            // Opened after the read-only one by the same thread: once it arrives, so has anything before it.
            new FileOutputStream(marker.toFile()).close();
            recorder.await(FileOpenEvent.class, e -> e.path().equals(marker.toString()), "open of the marker");
            recorder.drain(Duration.ofMillis(100));

            assertThat(recorder.events(FileOpenEvent.class, e -> e.path().equals(readOnly.toString()))).isEmpty();
        } finally {
            Files.deleteIfExists(readOnly);
            Files.deleteIfExists(marker);
        }
    }

    @Test
    void aShellAppendingToALogInAChildIsReported() throws Exception {
        Path file = testFile();
        try (EventRecorder recorder = EventRecorder.start()) {
            Process child = new ProcessBuilder("/bin/sh", "-c", "echo line >> " + file).start();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

            FileOpenEvent open = recorder.await(FileOpenEvent.class,
                    e -> e.task().pid() == child.pid() && e.path().equals(file.toString()), "open by the shell");

            assertThat(open.openFlags() & (O_ACCMODE | O_CREAT | O_APPEND)).isEqualTo(O_WRONLY | O_CREAT | O_APPEND);
            assertThat(open.mode()).as("sh creates with 0666 (before the umask)").isEqualTo(0666);
            assertThat(open.fd()).isNotNegative();
            assertThat(open.task().comm()).isEqualTo("sh");
            ExecEvent exec = recorder.await(ExecEvent.class, e -> e.task().pid() == child.pid(), "exec of the shell");
            assertThat(open.processStartTicks()).as("the same process as its exec names").isEqualTo(exec.startTicks())
                    .isPositive();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aPathLongerThanThePathFieldIsCutAndFlagged() throws Exception {
        Path directory = Files.createDirectories(Path.of("/tmp", "tapwire-" + "y".repeat(240)));
        Path file = directory.resolve("tapwire-file-test-" + UUID.randomUUID() + ".log");
        try (EventRecorder recorder = EventRecorder.start()) {
            new FileOutputStream(file.toFile()).close();

            FileOpenEvent open = recorder.await(FileOpenEvent.class,
                    e -> e.task().pid() == JVM_PID && e.path().equals(file.toString().substring(0, 255)),
                    "open through the long path");

            assertThat(open.pathTruncated()).isTrue();
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        }
    }

    private static long jvmStartTicks() throws IOException {
        return startTicks(Path.of("/proc/self/stat"));
    }

    private static long startTicks(Path stat) throws IOException {
        return ProcStat.parse(Files.readString(stat)).orElseThrow().startTimeTicks();
    }

    private static Path testFile() {
        return Path.of("/tmp", "tapwire-file-test-" + UUID.randomUUID() + ".log");
    }

    private static int fdOf(Path file) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file)) {
                        return Integer.parseInt(fd.getFileName().toString());
                    }
                } catch (IOException closedMeanwhile) {
                    // not the file we are looking for
                }
            }
        }
        throw new AssertionError(file + " is not open in /proc/self/fd");
    }
}
