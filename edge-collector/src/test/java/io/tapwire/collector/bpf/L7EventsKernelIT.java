package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import io.tapwire.bpf.KernelPrerequisites;
import io.tapwire.collector.l7.L7Protocol;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The L7 capture's kernel side on connections the test JVM makes to itself over loopback: what it ships for a
 * recognised protocol (head, tail, stream offsets, byte counts, sequence numbers, both ends) and that it ships
 * nothing for traffic it does not recognise. The real servers and clients are in the collector's end-to-end
 * kernel tests; here the test knows every byte that was sent.
 */
class L7EventsKernelIT {

    @BeforeAll
    static void requireKernelAccess() {
        KernelPrerequisites.requireAll();
    }

    @Test
    void anHttpExchangeIsShippedFromBothEndsWithHeadTailOffsetsAndSequenceNumbers() throws Exception {
        List<byte[]> requests = List.of(request("/a", 200), request("/bb", 3000), request("/ccc", 40));
        List<byte[]> responses = List.of(response(500), response(20_000), response(10));
        try (EventRecorder recorder = EventRecorder.start();
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> serve(server, requests, responses));
            int clientPort;
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                clientPort = client.getLocalPort();
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                for (int i = 0; i < requests.size(); i++) {
                    out.write(requests.get(i));
                    out.flush();
                    in.readNBytes(responses.get(i).length);
                }
            }
            byte[] received = served.get();
            assertThat(received).isEqualTo(concat(requests));

            Predicate<L7PayloadEvent> clientSide = e -> e.endpoints().localPort() == clientPort && e.endpoints().remotePort() == port;
            Predicate<L7PayloadEvent> serverSide = e -> e.endpoints().localPort() == port && e.endpoints().remotePort() == clientPort;
            long responseBytes = concat(responses).length;
            awaitBytes(recorder, clientSide.and(e -> !e.send()), responseBytes, "client's reads of the responses");
            awaitBytes(recorder, serverSide.and(e -> !e.send()), received.length, "server's reads of the requests");

            List<L7PayloadEvent> clientWrites = sorted(recorder.events(L7PayloadEvent.class, clientSide.and(L7PayloadEvent::send)));
            List<L7PayloadEvent> clientReads = sorted(recorder.events(L7PayloadEvent.class, clientSide.and(e -> !e.send())));
            List<L7PayloadEvent> serverReads = sorted(recorder.events(L7PayloadEvent.class, serverSide.and(e -> !e.send())));
            List<L7PayloadEvent> serverWrites = sorted(recorder.events(L7PayloadEvent.class, serverSide.and(L7PayloadEvent::send)));

            assertThat(clientWrites).as("one event per request write").hasSize(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                L7PayloadEvent write = clientWrites.get(i);
                byte[] sent = requests.get(i);
                assertThat(write.protocol()).isEqualTo(L7Protocol.HTTP1);
                assertThat(write.role()).isEqualTo(TcpRole.CLIENT);
                assertThat(write.udp()).isFalse();
                assertThat(write.byteCount()).isEqualTo(sent.length);
                assertThat(write.head()).isEqualTo(Arrays.copyOf(sent, Math.min(sent.length, 1024)));
                byte[] expectedTail = sent.length > 1024
                        ? Arrays.copyOfRange(sent, sent.length - Math.min(64, sent.length - 1024), sent.length)
                        : new byte[0];
                assertThat(write.tail()).as("tail of request %d", i).isEqualTo(expectedTail);
                assertThat(write.task().pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(write.syscallStartNs()).isPositive().isLessThanOrEqualTo(write.ktimeNs());
            }
            assertContiguousFromZero(clientWrites, received.length);
            assertContiguousFromZero(serverReads, received.length);
            assertContiguousFromZero(serverWrites, responseBytes);
            assertContiguousFromZero(clientReads, responseBytes);
            assertThat(serverReads).allSatisfy(e -> {
                assertThat(e.role()).isEqualTo(TcpRole.SERVER);
                assertThat(e.protocol()).isEqualTo(L7Protocol.HTTP1);
            });

            // Both ends name the same bytes by the same sequence numbers.
            assertThat(sequenceRanges(serverReads)).isEqualTo(sequenceRanges(clientWrites));
            assertThat(sequenceRanges(clientReads)).isEqualTo(sequenceRanges(serverWrites));
        }
    }

    @Test
    void trafficOfNoKnownProtocolShipsNothingEvenIfItLaterLooksLikeOne() throws Exception {
        byte[] noise = new byte[4000];
        new Random(7).nextBytes(noise);
        byte[] httpLater = request("/late", 10);
        try (EventRecorder recorder = EventRecorder.start();
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(
                    () -> serve(server, List.of(noise, httpLater), List.of(response(5), response(5))));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = client.getOutputStream();
                out.write(noise);
                out.flush();
                client.getInputStream().readNBytes(response(5).length);
                out.write(httpLater);
                out.flush();
                client.getInputStream().readNBytes(response(5).length);
            }
            served.get();
            // A marker connection after it: once its events arrived, the noisy one's would have too.
            byte[] marker = request("/marker", 0);
            try (ServerSocket markerServer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
                CompletableFuture<byte[]> markerServed = CompletableFuture.supplyAsync(
                        () -> serve(markerServer, List.of(marker), List.of(response(1))));
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), markerServer.getLocalPort())) {
                    client.getOutputStream().write(marker);
                    client.getInputStream().readNBytes(response(1).length);
                }
                markerServed.get();
                int markerPort = markerServer.getLocalPort();
                recorder.await(L7PayloadEvent.class, e -> e.endpoints().localPort() == markerPort && !e.send(),
                        "the marker request's read");
            }
            assertThat(recorder.events(L7PayloadEvent.class,
                    e -> e.endpoints().localPort() == port || e.endpoints().remotePort() == port))
                    .as("events of a connection whose first message was no known protocol").isEmpty();
        }
    }

    @Test
    void headAndTailSizesAreSettings() throws Exception {
        byte[] sent = request("/sized", 5000);
        L7CaptureSettings small = new L7CaptureSettings(true, 1024 * 1024, 1024, 100, 16);
        try (EventRecorder recorder = EventRecorder.start(KernelProbeSettings.builder().l7(small).build());
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(
                    () -> serve(server, List.of(sent), List.of(response(1))));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write(sent);
                client.getInputStream().readNBytes(response(1).length);
            }
            served.get();
            L7PayloadEvent write = recorder.await(L7PayloadEvent.class,
                    e -> e.endpoints().remotePort() == port && e.send(), "the request's write");
            assertThat(write.head()).isEqualTo(Arrays.copyOf(sent, 100));
            assertThat(write.tail()).isEqualTo(Arrays.copyOfRange(sent, sent.length - 16, sent.length));
            assertThat(write.headTruncated()).isTrue();
        }
    }

    // --- helpers ---

    private static byte[] request(String path, int headerPadding) {
        String text = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "p".repeat(headerPadding) + "\r\n\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] response(int bodyBytes) {
        String text = "HTTP/1.1 200 OK\r\nContent-Length: " + bodyBytes + "\r\n\r\n" + "b".repeat(bodyBytes);
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Accepts one connection, reads each request whole and answers it. Returns every byte read. */
    private static byte[] serve(ServerSocket server, List<byte[]> requests, List<byte[]> responses) {
        try (Socket socket = server.accept()) {
            List<byte[]> read = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                read.add(socket.getInputStream().readNBytes(requests.get(i).length));
                socket.getOutputStream().write(responses.get(i));
                socket.getOutputStream().flush();
            }
            return concat(read);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(List<byte[]> parts) {
        int length = parts.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static void awaitBytes(EventRecorder recorder, Predicate<L7PayloadEvent> match, long bytes, String what) {
        recorder.await(L7PayloadEvent.class, e -> match.test(e) && e.streamOffset() + e.byteCount() == bytes, what);
    }

    private static List<L7PayloadEvent> sorted(List<L7PayloadEvent> events) {
        return events.stream().sorted(Comparator.comparingLong(L7PayloadEvent::streamOffset)).toList();
    }

    private static void assertContiguousFromZero(List<L7PayloadEvent> events, long total) {
        long expected = 0;
        for (L7PayloadEvent e : events) {
            assertThat(e.streamOffset()).as("offset of %s", e).isEqualTo(expected);
            expected += e.byteCount();
        }
        assertThat(expected).as("bytes in the events").isEqualTo(total);
    }

    /** The [seq, seq + count) ranges of the events, merged where they touch (32-bit sequence numbers). */
    private static List<List<Long>> sequenceRanges(List<L7PayloadEvent> events) {
        List<List<Long>> ranges = new ArrayList<>();
        for (L7PayloadEvent e : events) {
            long start = e.tcpSeq();
            long end = (start + e.byteCount()) & 0xFFFF_FFFFL;
            if (!ranges.isEmpty() && ranges.get(ranges.size() - 1).get(1) == start) {
                ranges.get(ranges.size() - 1).set(1, end);
            } else {
                ranges.add(new ArrayList<>(List.of(start, end)));
            }
        }
        return ranges;
    }
}
