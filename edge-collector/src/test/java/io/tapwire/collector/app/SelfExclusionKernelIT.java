package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.schemas.raw.FileEvent;
import io.tapwire.schemas.raw.NodeInventory;
import io.tapwire.schemas.raw.ProcessEvent;
import io.tapwire.schemas.raw.ProcessEventType;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector as it is deployed: its own process ({@link CollectorMain}), started from a shell with exclude-self
 * on. Nothing it does is observed, while a sibling the same shell starts afterwards is; SIGTERM stops it cleanly.
 */
class SelfExclusionKernelIT {

    /**
     * Starts the collector ("$@") in the background, waits until it says it runs, then starts a sibling client that
     * sends "hi" to PORT, and waits for both; prints each pid and exit status on a line of its own.
     */
    private static final String SHELL = String.join("\n",
            "\"$@\" > \"$LOG\" 2>&1 &",
            "collector=$!",
            "echo collector $collector",
            "until grep -qs 'Tapwire collector running' \"$LOG\"; do",
            "  if ! kill -0 $collector 2>/dev/null; then wait $collector; echo collector-exit $?; exit 1; fi",
            "  sleep 0.1",
            "done",
            "/bin/bash -c \"exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3\" &",
            "sibling=$!",
            "echo sibling $sibling",
            "wait $sibling; echo sibling-exit $?",
            "wait $collector; echo collector-exit $?");

    private static CollectorStack stack;

    @BeforeAll
    static void startKafka() {
        stack = CollectorStack.startKafka();
    }

    @AfterAll
    static void stopKafka() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theCollectorIsNowhereWhileASiblingOfItsShellIsObserved(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("collector.log");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> readLine(listener));
            ProcessBuilder builder = new ProcessBuilder(shellCommand())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("LOG", log.toString());
            builder.environment().put("PORT", Integer.toString(listener.getLocalPort()));
            Process shell = builder.start();
            ShellOutput output = new ShellOutput(shell);
            try {
                int collector = output.value("collector", log);
                int sibling = output.value("sibling", log);
                assertThat(output.value("sibling-exit", log)).isZero();
                assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("hi");

                ProcessEvent siblingExec = stack.processes().awaitOne(e -> e.getTask().getPid() == sibling
                        && e.getType() == ProcessEventType.EXEC, "EXEC of the sibling " + sibling);
                assertThat(siblingExec.getExecFilename()).isEqualTo("/bin/bash");
                assertThat(siblingExec.getPpid()).as("started by the collector's shell").isEqualTo(shell.pid());
                TcpEvent siblingConnect = stack.tcp().awaitOne(e -> e.getTask().getPid() == sibling
                        && e.getType() == TcpEventType.CONNECT_OK, "CONNECT_OK of the sibling");
                assertThat(siblingConnect.getTuple().getRemotePort()).isEqualTo(listener.getLocalPort());
                stack.inventory().await(e -> !e.getHeader().getHeartbeat(), "the collector's first snapshot");

                ProcessHandle.of(collector).orElseThrow().destroy(); // SIGTERM
                assertThat(output.value("collector-exit", log)).as("exit status after SIGTERM").isZero();
                assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertCollectorNowhere(collector);
            } finally {
                stop(shell);
            }
        }
        assertThat(HostCommand.run(KernelPrerequisites.bpftool(), "prog", "show")).as("nothing of ours stays loaded")
                .doesNotContain("tapwire_");
    }

    /**
     * The collector names itself where a record describes who wrote it (heartbeats, the inventory's task), and
     * nowhere else: no event of its own, no process, listener or connection of it in a snapshot.
     */
    private static void assertCollectorNowhere(int collector) {
        List<ProcessEvent> processes = stack.processes().readToEnd();
        assertThat(processes).filteredOn(e -> e.getHeader().getHeartbeat())
                .as("heartbeats name the collector that wrote them").isNotEmpty()
                .allSatisfy(e -> assertThat(e.getTask().getPid()).isEqualTo(collector));
        assertThat(processes).filteredOn(e -> !e.getHeader().getHeartbeat())
                .as("process events of the collector or its children").isNotEmpty()
                .noneMatch(e -> e.getTask().getPid() == collector || e.getPpid() == collector);
        assertThat(stack.tcp().readToEnd()).filteredOn(e -> !e.getHeader().getHeartbeat())
                .as("TCP events of the collector").isNotEmpty().noneMatch(e -> e.getTask().getPid() == collector);
        assertThat(stack.files().readToEnd()).filteredOn(e -> !e.getHeader().getHeartbeat())
                .noneMatch(e -> e.getTask().getPid() == collector);
        List<NodeInventory> snapshots = stack.inventory().readToEnd().stream()
                .filter(e -> !e.getHeader().getHeartbeat()).toList();
        assertThat(snapshots).isNotEmpty().allSatisfy(snapshot -> {
            assertThat(snapshot.getTask().getPid()).as("the snapshot's author").isEqualTo(collector);
            assertThat(snapshot.getProcesses()).isNotEmpty()
                    .noneMatch(p -> p.getPid() == collector || p.getPpid() == collector);
            assertThat(snapshot.getListeners()).noneMatch(l -> l.getPid() == collector);
            assertThat(snapshot.getConnections()).noneMatch(c -> c.getPids().contains(collector));
        });
    }

    /** bash -c SHELL, with the collector's java command line as "$@". */
    private static List<String> shellCommand() {
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-c", SHELL, "tapwire-shell"));
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        stack.collectorProperties().forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add("-Dtapwire.collector.exclude-self=true");
        command.add(CollectorMain.class.getName());
        return command;
    }

    /** After a failure: SIGTERM to the shell and what it started (the collector detaches its programs), then wait. */
    private static void stop(Process shell) throws InterruptedException {
        List<ProcessHandle> started = shell.descendants().toList();
        started.forEach(ProcessHandle::destroy);
        shell.destroy();
        for (ProcessHandle process : started) {
            process.onExit().completeOnTimeout(process, 10, TimeUnit.SECONDS).join();
        }
        shell.waitFor(10, TimeUnit.SECONDS);
    }

    private static String readLine(ServerSocket listener) {
        try (Socket connection = listener.accept()) {
            return new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** The shell's "name value" lines, read on a thread of their own so that a silent shell cannot hang the test. */
    private static final class ShellOutput {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        ShellOutput(Process shell) {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(shell.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("read failed: " + e);
                }
            }, "shell-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for the line "name value"; fails with the collector's log when another line or none comes. */
        int value(String name, Path log) throws Exception {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null || !line.startsWith(name + " ")) {
                throw new AssertionError("expected '" + name + " <number>' from the shell, got " + line
                        + "; the collector's output:\n" + (Files.exists(log) ? Files.readString(log) : "(none)"));
            }
            return Integer.parseInt(line.substring(name.length() + 1).trim());
        }
    }
}
