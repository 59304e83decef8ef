package io.tapwire.collector.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.tapwire.schemas.raw.ConnectionRole;
import io.tapwire.schemas.raw.Direction;
import io.tapwire.schemas.raw.PayloadEvent;
import io.tapwire.schemas.raw.TcpEvent;
import io.tapwire.schemas.raw.TcpEventType;

/**
 * What the L7 tests check on the payload records of the TCP connections to one server port, against the kernel's own
 * TCP counters in {@code tapwire.raw.tcp.v1}: every direction of every socket is there from its first byte, without a
 * gap, and adds up to the bytes TCP moved; both ends of a connection name the same bytes by the same sequence numbers.
 */
final class PayloadStreams {

    private final List<PayloadEvent> records;
    private final Map<Long, TcpEvent> closes;

    private PayloadStreams(List<PayloadEvent> records, Map<Long, TcpEvent> closes) {
        this.records = records;
        this.closes = closes;
    }

    /**
     * Waits until every socket with payload records on {@code port} (either end) has its TCP CLOSE record, which
     * carries the final byte counts; the caller's clients must have finished and closed their connections.
     */
    static PayloadStreams ofPort(CollectorStack stack, int port, int expectedSockets) {
        Predicate<PayloadEvent> onPort = e -> e.getTuple().getLocalPort() == port || e.getTuple().getRemotePort() == port;
        long deadline = System.nanoTime() + RawTopicReader.WAIT.toNanos();
        int seenBefore = -1;
        while (true) {
            List<PayloadEvent> payloads = stack.payloads().readToEnd().stream().filter(onPort).toList();
            Set<Long> sockets = payloads.stream().map(PayloadEvent::getSocketInode).collect(Collectors.toSet());
            Map<Long, TcpEvent> closes = stack.tcp().readToEnd().stream()
                    .filter(e -> e.getType() == TcpEventType.CLOSE && sockets.contains(e.getSocketInode()))
                    .collect(Collectors.toMap(TcpEvent::getSocketInode, e -> e, (a, b) -> b));
            // The CLOSE records travel another ring buffer and topic than the payload records: done when every
            // socket has its CLOSE and no payload record came for a second.
            boolean closed = sockets.size() >= expectedSockets && closes.keySet().containsAll(sockets);
            if (closed && payloads.size() == seenBefore) {
                return new PayloadStreams(payloads, closes);
            }
            seenBefore = closed ? payloads.size() : -1;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + RawTopicReader.WAIT + ": " + sockets.size() + " sockets with payload"
                        + " records on port " + port + " (expected at least " + expectedSockets + "), "
                        + closes.size() + " of them with a TCP CLOSE record; without one:\n" + payloads.stream()
                        .filter(e -> !closes.containsKey(e.getSocketInode()))
                        .collect(Collectors.toMap(PayloadEvent::getSocketInode, e -> e, (a, b) -> a)).values().stream()
                        .map(e -> e.getSocketInode() + " " + e.getRole() + " " + e.getTask() + " " + e.getTuple())
                        .collect(Collectors.joining("\n")));
            }
            sleep(closed ? 1000 : 200);
        }
    }

    List<PayloadEvent> records() {
        return records;
    }

    /** Records of one socket and direction in stream order. */
    List<PayloadEvent> stream(long socketInode, Direction direction) {
        return records.stream()
                .filter(e -> e.getSocketInode() == socketInode && e.getDirection() == direction)
                .sorted(Comparator.comparingLong(PayloadEvent::getStreamOffset)).toList();
    }

    /** The records of every socket of this role in this direction (a client's writes are its requests). */
    List<PayloadEvent> of(ConnectionRole role, Direction direction) {
        return records.stream().filter(e -> e.getRole() == role && e.getDirection() == direction).toList();
    }

    Set<Long> sockets(ConnectionRole role) {
        return records.stream().filter(e -> e.getRole() == role).map(PayloadEvent::getSocketInode)
                .collect(Collectors.toSet());
    }

    private static long bytes(List<PayloadEvent> stream) {
        return stream.stream().mapToLong(PayloadEvent::getByteCount).sum();
    }

    /**
     * Every direction of every socket: offsets contiguous from 0; and byte counts summing to TCP's own counters on
     * every connection that ended cleanly, which are at least {@code minimumClean} sockets. A connection that ended
     * with data in flight (a load generator stopped by its timer resets connections with responses unread) is not
     * clean: TCP counts acknowledged bytes, the capture counts written ones. Clean means that each end read exactly
     * what the other wrote, as the two ends' records say.
     */
    void assertCompleteAndContiguous(int minimumClean) {
        int clean = 0;
        for (long inode : closes.keySet()) {
            assertContiguous(stream(inode, Direction.EGRESS), -1, "bytes sent by socket " + inode);
            assertContiguous(stream(inode, Direction.INGRESS), -1, "bytes received by socket " + inode);
            Long peer = peer(inode);
            if (peer == null || bytes(stream(inode, Direction.EGRESS)) != bytes(stream(peer, Direction.INGRESS))
                    || bytes(stream(inode, Direction.INGRESS)) != bytes(stream(peer, Direction.EGRESS))) {
                continue;
            }
            clean++;
            TcpEvent close = closes.get(inode);
            assertContiguous(stream(inode, Direction.EGRESS), close.getBytesSent(), "bytes sent by socket " + inode);
            assertContiguous(stream(inode, Direction.INGRESS), close.getBytesReceived(),
                    "bytes received by socket " + inode);
        }
        assertThat(clean).as("sockets of cleanly ended connections checked against TCP's counters")
                .isGreaterThanOrEqualTo(minimumClean);
    }

    /** The other end of a socket's connection on this machine: the socket whose tuple is this one's mirrored. */
    private Long peer(long inode) {
        PayloadEvent any = records.stream().filter(e -> e.getSocketInode() == inode).findFirst().orElseThrow();
        return records.stream()
                .filter(e -> e.getSocketInode() != inode
                        && e.getTuple().getLocalPort() == any.getTuple().getRemotePort()
                        && e.getTuple().getRemotePort() == any.getTuple().getLocalPort())
                .map(PayloadEvent::getSocketInode).findFirst().orElse(null);
    }

    /** Offsets contiguous from 0; with total ≥ 0, byte counts adding up to it. */
    private static void assertContiguous(List<PayloadEvent> stream, long total, String what) {
        long expected = 0;
        for (int i = 0; i < stream.size(); i++) {
            PayloadEvent e = stream.get(i);
            assertThat(e.getStreamOffset()).as("%s: offset of a %d-byte %s; the records before it: %s", what,
                    e.getByteCount(), e.getSyscall(), stream.subList(Math.max(0, i - 3), i).stream()
                            .map(b -> b.getSyscall() + " of " + b.getByteCount() + " at " + b.getStreamOffset()
                                    + " (tid " + b.getTask().getTid() + ", seq " + b.getTcpSeq() + ", started "
                                    + b.getSyscallStartNs() + ", ended " + b.getHeader().getEpochTimeNs() + ")")
                            .toList())
                    .isEqualTo(expected);
            expected += e.getByteCount();
        }
        if (total >= 0) {
            assertThat(expected).as("%s: the records' byte counts against TCP's counter", what).isEqualTo(total);
        }
    }

    /**
     * For each client socket, the server socket of the same connection (the 4-tuple mirrored): the sequence ranges of
     * what one end read are those the other end wrote, exactly on a cleanly ended connection, and a leading part of
     * them where the reader stopped first (a load generator stopped by its timer leaves responses unread).
     */
    void assertBothEndsCoverTheSameSequenceRanges() {
        int pairs = 0;
        for (long client : sockets(ConnectionRole.CLIENT)) {
            Long server = peer(client);
            if (server == null) {
                continue;
            }
            pairs++;
            assertReadWhatWasWritten(stream(client, Direction.EGRESS), stream(server, Direction.INGRESS),
                    "requests of socket " + client + " read by " + server);
            assertReadWhatWasWritten(stream(server, Direction.EGRESS), stream(client, Direction.INGRESS),
                    "responses of socket " + server + " read by " + client);
        }
        assertThat(pairs).as("connections observed at both ends").isPositive();
    }

    private static void assertReadWhatWasWritten(List<PayloadEvent> written, List<PayloadEvent> read, String what) {
        List<List<Long>> writes = ranges(written);
        List<List<Long>> reads = ranges(read);
        String context = what + "; their last records:\n" + last(written) + "\n" + last(read);
        if (bytes(written) == bytes(read)) {
            assertThat(reads).as(context).isEqualTo(writes);
            return;
        }
        assertThat(bytes(read)).as("%s: a reader cannot read more than was written", context).isLessThan(bytes(written));
        assertThat(reads).as(context).hasSize(1);
        assertThat(writes).as(context).hasSize(1);
        assertThat(reads.get(0).get(0)).as("%s: first byte", context).isEqualTo(writes.get(0).get(0));
    }

    private static String last(List<PayloadEvent> stream) {
        return stream.subList(Math.max(0, stream.size() - 3), stream.size()).stream()
                .map(e -> e.getSyscall() + " offset " + e.getStreamOffset() + " count " + e.getByteCount() + " seq "
                        + e.getTcpSeq() + " pid " + e.getTask().getPid() + " at " + e.getHeader().getKernelTimeNs())
                .collect(Collectors.joining("; "));
    }

    private static List<List<Long>> ranges(List<PayloadEvent> stream) {
        List<List<Long>> ranges = new ArrayList<>();
        for (PayloadEvent e : stream) {
            long start = e.getTcpSeq();
            long end = (start + e.getByteCount()) & 0xFFFF_FFFFL;
            if (!ranges.isEmpty() && ranges.get(ranges.size() - 1).get(1) == start) {
                ranges.get(ranges.size() - 1).set(1, end);
            } else {
                ranges.add(new ArrayList<>(List.of(start, end)));
            }
        }
        return ranges;
    }

    static String head(PayloadEvent e) {
        ByteBuffer head = e.getHead().duplicate();
        byte[] bytes = new byte[head.remaining()];
        head.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static String tail(PayloadEvent e) {
        if (e.getTail() == null) {
            return "";
        }
        ByteBuffer tail = e.getTail().duplicate();
        byte[] bytes = new byte[tail.remaining()];
        tail.get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Occurrences of {@code text} in the heads of the records. */
    static long count(List<PayloadEvent> records, String text) {
        long count = 0;
        for (PayloadEvent e : records) {
            String head = head(e);
            for (int at = head.indexOf(text); at >= 0; at = head.indexOf(text, at + text.length())) {
                count++;
            }
        }
        return count;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
