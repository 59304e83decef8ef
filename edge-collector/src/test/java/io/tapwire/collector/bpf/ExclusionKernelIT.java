package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.bpf.KernelPrerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exclusion in the kernel: an excluded process and every child it forks emit nothing, an excluded
 * local port hides its sockets, and everything else stays visible.
 */
class ExclusionKernelIT {

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @Test
    void anExcludedProcessAndItsChildrenEmitNothingWhileAnotherProcessIsSeen() throws Exception {
        Path excludedFile = Path.of("/tmp", "tapwire-file-test-" + UUID.randomUUID() + ".log");
        Path visibleFile = Path.of("/tmp", "tapwire-file-test-" + UUID.randomUUID() + ".log");
        try (EventRecorder recorder = EventRecorder.start();
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> acceptAndDrain(server, 2));
            Process excluded = startWorker(server.getLocalPort(), excludedFile);
            Process visible = startWorker(server.getLocalPort(), visibleFile);
            int excludedPid = (int) excluded.pid();
            recorder.probes().exclusions().excludeProcess(excludedPid);
            assertThat(recorder.probes().exclusions().isProcessExcluded(excludedPid)).isTrue();

            long after = System.nanoTime();
            go(visible);
            go(excluded);
            int excludedChild = Integer.parseInt(firstLine(excluded));
            int visibleChild = Integer.parseInt(firstLine(visible));
            assertThat(excluded.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(visible.waitFor(10, TimeUnit.SECONDS)).isTrue();
            accepting.get(10, TimeUnit.SECONDS);

            // Everything the visible pair did arrives...
            recorder.await(ProcessStartEvent.class, e -> e.task().pid() == visibleChild, "START of the visible child");
            recorder.await(ExecEvent.class, e -> e.task().pid() == visibleChild, "EXEC of the visible child");
            recorder.await(FileOpenEvent.class, e -> e.task().pid() == visibleChild, "file open of the visible child");
            recorder.await(TcpEvent.class, e -> e.task().pid() == visibleChild && e.type() == EventType.TCP_CONNECT_OK,
                    "CONNECT_OK of the visible child");
            recorder.await(ProcessExitEvent.class, e -> e.task().pid() == visible.pid(), "EXIT of the visible worker");
            recorder.drain(Duration.ofMillis(300));

            // ...and nothing of the excluded pair after the exclusion, although it did the same.
            assertThat(Files.readString(excludedFile)).isEqualTo("written\n");
            List<KernelEvent> leaked = recorder.eventsOfPid(excludedPid).stream()
                    .filter(e -> e.ktimeNs() > after).toList();
            assertThat(leaked).as("events of the excluded process").isEmpty();
            assertThat(recorder.eventsOfPid(excludedChild)).as("events of its child").isEmpty();
            assertThat(recorder.events(ProcessStartEvent.class, e -> e.ppid() == excludedPid)).isEmpty();
            assertThat(recorder.events(TcpEvent.class, e -> e.type() == EventType.TCP_CLOSE
                    && e.task().pid() == excludedChild)).as("CLOSE, which fires in softirq").isEmpty();

            // The kernel drops a pid from the set when its task is freed (after the reap and an RCU grace period).
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (recorder.probes().exclusions().isProcessExcluded(excludedPid) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(recorder.probes().exclusions().isProcessExcluded(excludedPid)).as("after exit").isFalse();
            assertThat(recorder.probes().exclusions().isProcessExcluded(excludedChild)).isFalse();
        } finally {
            Files.deleteIfExists(excludedFile);
            Files.deleteIfExists(visibleFile);
        }
    }

    /** A launcher excluded alone (the local stack with its demo) is not seen, the children it starts are. */
    @Test
    void aProcessExcludedAloneEmitsNothingWhileItsChildrenAreSeen() throws Exception {
        Path childFile = Path.of("/tmp", "tapwire-file-test-" + UUID.randomUUID() + ".log");
        try (EventRecorder recorder = EventRecorder.start();
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> acceptAndDrain(server, 1));
            Process launcher = startWorker(server.getLocalPort(), childFile);
            int launcherPid = (int) launcher.pid();
            recorder.probes().exclusions().excludeProcessAlone(launcherPid);
            assertThat(recorder.probes().exclusions().isProcessExcluded(launcherPid)).isTrue();

            go(launcher);
            int child = Integer.parseInt(firstLine(launcher));
            assertThat(launcher.waitFor(10, TimeUnit.SECONDS)).isTrue();
            accepting.get(10, TimeUnit.SECONDS);

            recorder.await(ProcessStartEvent.class, e -> e.task().pid() == child, "START of the launcher's child");
            recorder.await(ExecEvent.class, e -> e.task().pid() == child, "EXEC of the launcher's child");
            recorder.await(FileOpenEvent.class, e -> e.task().pid() == child, "file open of the launcher's child");
            recorder.await(TcpEvent.class, e -> e.task().pid() == child && e.type() == EventType.TCP_CONNECT_OK,
                    "CONNECT_OK of the launcher's child");
            recorder.await(ProcessExitEvent.class, e -> e.task().pid() == child, "EXIT of the launcher's child");
            recorder.drain(Duration.ofMillis(300));

            assertThat(recorder.events(ProcessExitEvent.class, e -> e.task().pid() == launcherPid))
                    .as("the launcher's own exit").isEmpty();
            assertThat(recorder.probes().exclusions().isProcessExcluded(child)).as("the child inherited nothing")
                    .isFalse();
        } finally {
            Files.deleteIfExists(childFile);
        }
    }

    @Test
    void anExcludedLocalPortHidesItsListenerAndConnectionsButNotOthers() throws Exception {
        int excludedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            excludedPort = probe.getLocalPort();
        }
        KernelProbeSettings settings = KernelProbeSettings.builder().excludeLocalPort(excludedPort).build();
        try (EventRecorder recorder = EventRecorder.start(settings)) {
            assertThat(recorder.probes().exclusions().isLocalPortExcluded(excludedPort)).isTrue();
            int visiblePort;
            try (ServerSocket hidden = new ServerSocket(excludedPort, 10, InetAddress.getLoopbackAddress());
                 ServerSocket shown = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
                visiblePort = shown.getLocalPort();
                exchange(hidden);
                exchange(shown);
            }
            recorder.await(TcpEvent.class, e -> e.type() == EventType.TCP_LISTEN_CLOSE
                    && e.endpoints().localPort() == visiblePort, "LISTEN_CLOSE of the visible port");
            recorder.drain(Duration.ofMillis(300));

            assertThat(recorder.events(TcpEvent.class, e -> e.endpoints().localPort() == visiblePort))
                    .extracting(TcpEvent::type)
                    .contains(EventType.TCP_LISTEN_OPEN, EventType.TCP_ACCEPT, EventType.TCP_CLOSE, EventType.TCP_LISTEN_CLOSE);
            assertThat(recorder.events(TcpEvent.class, e -> e.endpoints().localPort() == excludedPort))
                    .as("events of sockets whose local port is excluded").isEmpty();
            assertThat(recorder.events(TcpEvent.class, e -> e.type() == EventType.TCP_CONNECT_OK
                    && e.endpoints().remotePort() == excludedPort))
                    .as("the client's end has its own, ephemeral local port: still visible").hasSize(1);
        }
    }

    /**
     * The L7 hooks keep each fd's exclusion verdict: a process or port excluded (or included again) while its
     * connection is open must still count from the next read or write on it.
     */
    @Test
    void anExclusionChangedWhileAConnectionIsOpenAppliesToItsNextReadAndWrite() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        try (EventRecorder recorder = EventRecorder.start();
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            AtomicLong serverRead = new AtomicLong();
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> countReads(server, serverRead));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                int clientPort = client.getLocalPort();
                Predicate<L7PayloadEvent> clientWrites = e -> e.send() && e.endpoints().localPort() == clientPort;
                Predicate<L7PayloadEvent> serverReads = e -> !e.send() && e.endpoints().localPort() == port;
                OutputStream out = client.getOutputStream();

                send(out, "/seen-first", serverRead);
                awaitRequest(recorder, clientWrites, "/seen-first");
                awaitRequest(recorder, serverReads, "/seen-first");

                recorder.probes().exclusions().excludeProcess(self);
                long processExcluded = System.nanoTime();
                send(out, "/while-process-excluded", serverRead);
                long processIncluded = System.nanoTime();
                recorder.probes().exclusions().includeProcess(self);
                // The server's next read began while it was excluded and ends now: a call is judged when it ends.
                send(out, "/read-begun-while-process-excluded", serverRead);
                send(out, "/process-included-again", serverRead);
                awaitRequest(recorder, clientWrites, "/process-included-again");
                awaitRequest(recorder, serverReads, "/process-included-again");

                recorder.probes().exclusions().excludeLocalPort(port);
                long portExcluded = System.nanoTime();
                send(out, "/while-port-excluded", serverRead);
                awaitRequest(recorder, clientWrites, "/while-port-excluded");
                long portIncluded = System.nanoTime();
                recorder.probes().exclusions().includeLocalPort(port);
                send(out, "/read-begun-while-port-excluded", serverRead);
                send(out, "/port-included-again", serverRead);
                awaitRequest(recorder, serverReads, "/port-included-again");
                recorder.drain(Duration.ofMillis(300));

                // A call is judged when it ends (System.nanoTime() and the kernel's clock are both CLOCK_MONOTONIC).
                assertThat(recorder.events(L7PayloadEvent.class, e -> endedWithin(e, processExcluded, processIncluded)))
                        .as("either end's calls ended while this process was excluded").isEmpty();
                assertThat(recorder.events(L7PayloadEvent.class, serverReads.and(e -> endedWithin(e, portExcluded, portIncluded))))
                        .as("the server end's calls ended while its local port was excluded").isEmpty();
                assertThat(recorder.events(L7PayloadEvent.class, serverReads).stream().map(ExclusionKernelIT::requestPath))
                        .as("the server's reads, each begun while excluded and ended after")
                        .contains("/read-begun-while-process-excluded", "/read-begun-while-port-excluded");
            }
            serving.get(10, TimeUnit.SECONDS);
        }
    }

    private static void send(OutputStream out, String path, AtomicLong serverRead) throws Exception {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: tapwire\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long expected = serverRead.get() + request.length;
        out.write(request);
        out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (serverRead.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(serverRead.get()).as("bytes the server read").isEqualTo(expected);
    }

    private static void awaitRequest(EventRecorder recorder, Predicate<L7PayloadEvent> end, String path) {
        recorder.await(L7PayloadEvent.class, end.and(e -> requestPath(e).equals(path)), "event of GET " + path);
    }

    private static boolean endedWithin(L7PayloadEvent event, long from, long to) {
        return event.ktimeNs() > from && event.ktimeNs() < to;
    }

    private static String requestPath(L7PayloadEvent event) {
        String head = new String(event.head(), StandardCharsets.US_ASCII);
        return head.startsWith("GET ") ? head.substring(4, Math.max(4, head.indexOf(' ', 4))) : "";
    }

    private static void countReads(ServerSocket server, AtomicLong read) {
        try (Socket connection = server.accept(); InputStream in = connection.getInputStream()) {
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                read.addAndGet(n);
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * A bash that waits for "go", then forks a child that writes a file, connects to the port,
     * sends a line and exits, printing the child's pid first.
     */
    private static Process startWorker(int port, Path file) throws IOException {
        String child = "echo $BASHPID; echo written > " + file + "; exec 3<>/dev/tcp/127.0.0.1/" + port
                + "; echo hello >&3; exec 3>&-; exec /bin/true";
        // The trailing exit keeps bash from exec'ing its last command in place: the child is a fork.
        return new ProcessBuilder("/bin/bash", "-c", "read go; /bin/bash -c '" + child + "'; exit $?").start();
    }

    private static void go(Process worker) throws IOException {
        OutputStream stdin = worker.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    private static void exchange(ServerSocket server) throws Exception {
        CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> acceptAndDrain(server, 1));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            client.getOutputStream().write(new byte[1000]);
        }
        accepted.get(10, TimeUnit.SECONDS);
    }

    private static void acceptAndDrain(ServerSocket server, int connections) {
        try {
            for (int i = 0; i < connections; i++) {
                try (Socket connection = server.accept()) {
                    connection.getInputStream().transferTo(OutputStream.nullOutputStream());
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static String firstLine(Process process) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        return reader.readLine().trim();
    }
}
