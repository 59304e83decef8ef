package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.collector.proc.ProcStat;
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
 * The whole collector on the real kernel, producing to a real broker through the real registry: activity caused
 * by the test comes back from Kafka as decoded raw records with the right facts.
 */
class CollectorKernelIT {

    private static CollectorStack stack;

    @BeforeAll
    static void startStack() {
        stack = CollectorStack.startKafka();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void processTcpFileAndInventoryRecordsReachKafka(@TempDir Path dir) throws Exception {
        Path logFile = dir.resolve("tapwire-collector-it.log");
        Collector collector = stack.startCollector();
        Process child = new ProcessBuilder("/bin/sh", "-c", "exit 3").start();
        assertThat(child.waitFor()).isEqualTo(3);
        long childPid = child.pid();
        int clientPort = exchangeOverTcp();
        Files.writeString(logFile, "written by the test\n");
        stack.processes().await(e -> e.getTask().getPid() == childPid && e.getType() == ProcessEventType.EXIT,
                "EXIT of the child");
        String exposition = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + collector.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(exposition).containsPattern("tapwire_collector_events_total\\{type=\"process_exec\"} [1-9]");
        stack.stopCollector();

        List<ProcessEvent> processes = stack.processes().readToEnd();
        List<ProcessEvent> ofChild = processes.stream().filter(e -> e.getTask().getPid() == childPid).toList();
        assertThat(ofChild).extracting(ProcessEvent::getType).contains(ProcessEventType.EXEC, ProcessEventType.EXIT);
        // The JVM starts children through jspawnhelper, which then execs the command: two execs, one pid.
        ProcessEvent exec = ofChild.stream().filter(e -> e.getType() == ProcessEventType.EXEC
                && "/bin/sh".equals(e.getExecFilename())).findFirst().orElseThrow();
        assertThat(exec.getHeader().getCluster()).isEqualTo(CollectorStack.CLUSTER);
        assertThat(exec.getPpid()).isEqualTo(ProcessHandle.current().pid());
        ProcessEvent exit = ofChild.stream().filter(e -> e.getType() == ProcessEventType.EXIT).findFirst().orElseThrow();
        assertThat(exit.getExitCode()).isEqualTo(3);
        assertThat(exit.getHeader().getSeq()).isGreaterThan(exec.getHeader().getSeq());
        assertThat(processes).filteredOn(e -> e.getHeader().getHeartbeat())
                .anySatisfy(e -> assertThat(e.getTask().getComm()).isNotEmpty());

        List<TcpEvent> tcp = stack.tcp().await(e -> e.getType() == TcpEventType.CLOSE
                && e.getTuple().getLocalPort() == clientPort, "CLOSE of the client socket");
        TcpEvent connect = tcp.stream().filter(e -> e.getType() == TcpEventType.CONNECT_OK
                && e.getTuple().getLocalPort() == clientPort).findFirst().orElseThrow();
        TcpEvent close = tcp.stream().filter(e -> e.getType() == TcpEventType.CLOSE
                && e.getTuple().getLocalPort() == clientPort).findFirst().orElseThrow();
        assertThat(connect.getHandshakeNs()).isPositive();
        assertThat(close.getSocketInode()).isEqualTo(connect.getSocketInode());
        assertThat(close.getBytesSent()).isEqualTo(5L);
        assertThat(close.getBytesReceived()).isEqualTo(3L);
        assertThat(close.getTuple().getRemoteAddress()).isIn("127.0.0.1", "::ffff:127.0.0.1");
        // (pid, processStartTicks) is what the topology joins a connection to its process by.
        long jvmStartTicks = ProcStat.parse(Files.readString(Path.of("/proc/self/stat"))).orElseThrow().startTimeTicks();
        assertThat(close.getTask().getPid()).isEqualTo((int) ProcessHandle.current().pid());
        assertThat(close.getTask().getProcessStartTicks()).as("CLOSE (softirq): the owner's start ticks")
                .isEqualTo(jvmStartTicks);
        assertThat(connect.getTask().getProcessStartTicks()).isEqualTo(jvmStartTicks);

        List<FileEvent> files = stack.files().await(e -> e.getPath().equals(logFile.toString()), "open of the log file");
        assertThat(files).filteredOn(e -> e.getPath().equals(logFile.toString())).anySatisfy(f -> {
            assertThat(f.getTask().getPid()).isEqualTo((int) ProcessHandle.current().pid());
            assertThat(f.getTask().getProcessStartTicks()).isEqualTo(jvmStartTicks);
        });

        List<NodeInventory> inventory = stack.inventory().await(e -> !e.getHeader().getHeartbeat() && e.getProcesses()
                .stream().anyMatch(p -> p.getPid() == ProcessHandle.current().pid()), "snapshot listing this JVM");
        assertThat(inventory).isNotEmpty();
        assertThat(HostCommand.run(KernelPrerequisites.bpftool(), "prog", "show")).as("nothing of ours stays loaded")
                .doesNotContain("tapwire_");
    }

    /** A client connects to a server in this JVM, sends 5 bytes, receives 3, closes; returns the client's port. */
    private static int exchangeOverTcp() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            OutputStream out = client.getOutputStream();
            out.write("hello".getBytes());
            out.flush();
            accepted.getInputStream().readNBytes(5);
            accepted.getOutputStream().write("bye".getBytes());
            InputStream in = client.getInputStream();
            in.readNBytes(3);
            int port = client.getLocalPort();
            client.shutdownOutput();
            accepted.shutdownOutput();
            return port;
        }
    }
}
