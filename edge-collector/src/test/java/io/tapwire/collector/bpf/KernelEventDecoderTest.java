package io.tapwire.collector.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Records built byte by byte at the offsets documented in bpf/src/main/bpf/tapwire_events.h
 * (written out here as literals, not taken from the decoders, so a wrong constant is caught).
 */
class KernelEventDecoderTest {

    private static final KernelTask TASK = new KernelTask(4242, 4243, "worker", 0x1_0000_0001L, 0xF000_0075L);

    @Test
    void decodesTheTaskHeaderEveryRecordStartsWith() {
        ByteBuffer record = record(2, 80); // PROCESS_START

        ProcessStartEvent event = (ProcessStartEvent) KernelEventDecoder.decode(record);

        assertThat(event.ktimeNs()).isEqualTo(123_456_789_012L);
        assertThat(event.task()).isEqualTo(TASK);
    }

    @Test
    void aFullLengthCommHasNoTerminatingNul() {
        ByteBuffer record = record(2, 80);
        putString(record, 32, "sixteen-chars-xx"); // 16 bytes: fills comm[16] exactly

        assertThat(KernelEventDecoder.decode(record).task().comm()).isEqualTo("sixteen-chars-xx");
    }

    @Test
    void decodesAProcessStart() {
        ByteBuffer record = record(2, 80);
        record.putLong(48, 98_765L); // start_ticks
        record.putInt(56, 17);       // ppid
        record.putInt(60, 1000);     // uid

        assertThat(KernelEventDecoder.decode(record))
                .isEqualTo(new ProcessStartEvent(123_456_789_012L, TASK, 98_765L, 17, 1000));
    }

    @Test
    void decodesAnExitStatusAsWaitReportsIt() {
        ByteBuffer exited = record(3, 80);
        exited.putInt(64, 3 << 8);         // exit_code: exit(3)
        ByteBuffer killed = record(3, 80);
        killed.putInt(64, 0x80 | 11);      // SIGSEGV with a core dump

        ProcessExitEvent normal = (ProcessExitEvent) KernelEventDecoder.decode(exited);
        ProcessExitEvent crash = (ProcessExitEvent) KernelEventDecoder.decode(killed);

        assertThat(normal.killedBySignal()).isFalse();
        assertThat(normal.exitStatus()).isEqualTo(3);
        assertThat(crash.killedBySignal()).isTrue();
        assertThat(crash.signal()).isEqualTo(11);
        assertThat(crash.coreDumped()).isTrue();
    }

    @Test
    void decodesAnOomKillWithAndWithoutTheVictimsContext() {
        ByteBuffer current = record(4, 80);
        current.putLong(72, 21_000_000L); // oom_rss_bytes
        ByteBuffer other = record(4, 80);
        other.putInt(68, 0x2 | 0x4);      // VICTIM_NOT_CURRENT | RSS_UNKNOWN

        OomKillEvent withContext = (OomKillEvent) KernelEventDecoder.decode(current);
        OomKillEvent without = (OomKillEvent) KernelEventDecoder.decode(other);

        assertThat(withContext.rssBytes()).isEqualTo(OptionalLong.of(21_000_000L));
        assertThat(withContext.victimWasCurrent()).isTrue();
        assertThat(without.rssBytes()).isEmpty();
        assertThat(without.victimWasCurrent()).isFalse();
    }

    @Test
    void decodesAnExecWithItsFilename() {
        ByteBuffer record = record(1, 344);
        record.putLong(48, 98_765L);
        record.putInt(56, 17);
        putString(record, 88, "/usr/bin/sleep");
        record.putInt(80, 14);           // filename_len

        assertThat(KernelEventDecoder.decode(record))
                .isEqualTo(new ExecEvent(123_456_789_012L, TASK, 98_765L, 17, 0, "/usr/bin/sleep", false));
    }

    @Test
    void readsTheFilenameByItsLengthNotUpToAStrayNul() {
        ByteBuffer record = record(1, 344);
        putString(record, 88, "/bin/true");
        record.put(88 + 9, (byte) 'X'); // the kernel leaves bytes after the string unspecified
        record.putInt(80, 9);

        assertThat(((ExecEvent) KernelEventDecoder.decode(record)).filename()).isEqualTo("/bin/true");
    }

    @Test
    void reportsATruncatedFilename() {
        ByteBuffer record = record(1, 344);
        putString(record, 88, "/very/long".repeat(25) + "/x"); // 252 bytes, as cut by the kernel
        record.putInt(80, 252);
        record.putInt(68, 0x1);                                  // TAPWIRE_EXEC_FILENAME_TRUNCATED

        ExecEvent event = (ExecEvent) KernelEventDecoder.decode(record);

        assertThat(event.filenameTruncated()).isTrue();
        assertThat(event.filename()).hasSize(252);
    }

    @Test
    void rejectsAFilenameLengthBeyondItsField() {
        ByteBuffer record = record(1, 344);
        record.putInt(80, 256);

        assertThatThrownBy(() -> KernelEventDecoder.decode(record)).hasMessageContaining("filename_len 256");
    }

    @Test
    void decodesATcpCloseOfAnIpv4Socket() throws Exception {
        ByteBuffer record = record(10, 152);
        record.putLong(48, 987_654L);                        // socket_ino
        record.putLong(64, 100_000L);                        // bytes_acked
        record.putLong(72, 250_000L);                        // bytes_received
        record.put(80, new byte[] {10, 77, 0, 1});           // saddr, network order
        record.put(96, new byte[] {10, 77, 0, 2});           // daddr
        record.putShort(112, (short) 2);                     // AF_INET
        record.putShort(114, (short) 43210);                 // sport, host order
        record.putShort(116, (short) 5432);                  // dport
        record.put(118, (byte) 1);                           // CLIENT
        record.put(119, (byte) 7);                           // TCP_CLOSE
        record.putInt(120, -1);                              // fd
        record.putInt(128, 42);                              // srtt_us
        record.putInt(132, 3);                               // total_retrans
        record.putLong(144, 98_765L);                        // start_ticks of the owner's process

        TcpEvent event = (TcpEvent) KernelEventDecoder.decode(record);

        assertThat(event).isEqualTo(new TcpEvent(EventType.TCP_CLOSE, 123_456_789_012L, TASK, 98_765L, true, 987_654L,
                TcpRole.CLIENT, new TcpEndpoints(false, InetAddress.getByName("10.77.0.1"), 43210,
                        InetAddress.getByName("10.77.0.2"), 5432),
                TcpState.CLOSE, -1, 0, 0, 100_000L, 250_000L, 42, 3, 0));
    }

    @Test
    void decodesAConnectOfAnIpv6SocketWithItsFailure() throws Exception {
        ByteBuffer record = record(8, 152);
        byte[] loopback = InetAddress.getByName("::1").getAddress();
        record.put(80, loopback);
        record.put(96, loopback);
        record.putShort(112, (short) 10);                    // AF_INET6
        record.putShort(116, (short) 65535);                 // dport: unsigned
        record.putInt(120, 7);                               // fd
        record.putInt(124, 111);                             // ECONNREFUSED
        record.putLong(56, 1_500L);                          // handshake_ns (unused for a failure, still decoded)
        record.putInt(136, 2);                               // segments

        TcpEvent event = (TcpEvent) KernelEventDecoder.decode(record);

        assertThat(event.endpoints().ipv6()).isTrue();
        assertThat(event.endpoints().remoteAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(event.endpoints().remotePort()).isEqualTo(65535);
        assertThat(event.fd()).isEqualTo(7);
        assertThat(event.errorCode()).isEqualTo(111);
        assertThat(event.handshakeNs()).isEqualTo(1_500L);
        assertThat(event.segments()).isEqualTo(2);
        assertThat(event.role()).isEqualTo(TcpRole.UNKNOWN);
        assertThat(event.state()).isEqualTo(TcpState.UNKNOWN);
    }

    @Test
    void aTcpEventWithoutAKnownOwnerHasTheUnknownTask() {
        ByteBuffer record = record(11, 152);
        record.putShort(112, (short) 2);
        record.putInt(140, 0x1);                             // TAPWIRE_TCP_OWNER_UNKNOWN
        record.putLong(144, 98_765L);                        // not meaningful without an owner

        TcpEvent event = (TcpEvent) KernelEventDecoder.decode(record);

        assertThat(event.ownerKnown()).isFalse();
        assertThat(event.task()).isEqualTo(KernelTask.UNKNOWN);
        assertThat(event.processStartTicks()).isZero();
    }

    @Test
    void decodesAFileOpenForWriting() {
        ByteBuffer record = record(13, 328);
        record.putInt(48, 5);                                // fd
        record.putInt(52, 01 | 0100 | 02000);                // O_WRONLY | O_CREAT | O_APPEND
        record.putInt(56, 0644);                             // mode
        putString(record, 64, "/var/log/app.log");
        record.putShort(60, (short) 16);                     // path_len
        record.putLong(320, 98_765L);                        // start_ticks

        assertThat(KernelEventDecoder.decode(record)).isEqualTo(new FileOpenEvent(123_456_789_012L, TASK, 98_765L, 5,
                01 | 0100 | 02000, 0644, "/var/log/app.log", false));
    }

    @Test
    void reportsATruncatedPath() {
        ByteBuffer record = record(13, 328);
        record.putShort(60, (short) 255);
        record.putShort(62, (short) 0x1);

        assertThat(((FileOpenEvent) KernelEventDecoder.decode(record)).pathTruncated()).isTrue();
    }

    @Test
    void rejectsAnUnknownEventType() {
        ByteBuffer record = record(15, 328);

        assertThatThrownBy(() -> KernelEventDecoder.decode(record)).hasMessageContaining("unknown kernel event type 15");
    }

    @Test
    void rejectsARecordShorterThanItsType() {
        ByteBuffer record = ByteBuffer.allocate(100).order(ByteOrder.nativeOrder());
        record.putInt(0, 10);

        assertThatThrownBy(() -> KernelEventDecoder.decode(record)).hasMessageContaining("TCP_CLOSE record needs 152 bytes");
    }

    @Test
    void rejectsAForeignByteOrder() {
        ByteBuffer record = record(2, 80).order(ByteOrder.BIG_ENDIAN);

        assertThatThrownBy(() -> KernelEventDecoder.decode(record)).hasMessageContaining("native byte order");
    }

    @Test
    void eventTypeSizesMatchTheKernelStructs() {
        assertThat(EventType.PROCESS_EXEC.recordSize()).isEqualTo(344);
        assertThat(EventType.PROCESS_EXIT.recordSize()).isEqualTo(80);
        assertThat(EventType.TCP_STATS.recordSize()).isEqualTo(152);
        assertThat(EventType.FILE_OPEN_WRITE.recordSize()).isEqualTo(328);
        assertThat(EventType.L7_PAYLOAD.recordSize()).isEqualTo(152);
        assertThat(EventType.maxRecordSize()).as("an L7 record with the largest head and tail").isEqualTo(152 + 16384 + 1024);
    }

    @Test
    void decodesAnL7RecordWithItsHeadAndTail() {
        byte[] head = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer record = l7Record(head, tail);

        L7PayloadEvent event = (L7PayloadEvent) KernelEventDecoder.decode(record);

        assertThat(event.task()).isEqualTo(TASK);
        assertThat(event.socketInode()).isEqualTo(777L);
        assertThat(event.syscallStartNs()).isEqualTo(100L);
        assertThat(event.streamOffset()).isEqualTo(5000L);
        assertThat(event.byteCount()).isEqualTo(3000L);
        assertThat(event.endpoints().localPort()).isEqualTo(41000);
        assertThat(event.endpoints().remotePort()).isEqualTo(80);
        assertThat(event.endpoints().remoteAddress().getHostAddress()).isEqualTo("10.0.0.9");
        assertThat(event.role()).isEqualTo(TcpRole.CLIENT);
        assertThat(event.send()).isTrue();
        assertThat(event.tcpSeq()).as("unsigned").isEqualTo(0xF000_0001L);
        assertThat(event.protocol()).isEqualTo(io.tapwire.collector.l7.L7Protocol.HTTP1);
        assertThat(event.syscall()).isEqualTo("writev");
        assertThat(event.udp()).isFalse();
        assertThat(event.head()).isEqualTo(head);
        assertThat(event.tail()).isEqualTo(tail);
        assertThat(event.headTruncated()).isTrue();
        assertThat(event.iovecLimit()).isTrue();
        assertThat(event.sizeOnly()).isFalse();
    }

    @Test
    void rejectsAnL7RecordWhoseHeadRunsPastItsEnd() {
        ByteBuffer full = l7Record(new byte[40], new byte[0]);
        ByteBuffer cut = ByteBuffer.allocate(152 + 20).order(ByteOrder.nativeOrder());
        cut.put(0, full, 0, 152 + 20);

        assertThatThrownBy(() -> KernelEventDecoder.decode(cut)).hasMessageContaining("claims a head of 40");
    }

    @Test
    void commsAndAddressesAreTheRecordsOwnHoweverManyDifferentOnesCameBefore() throws Exception {
        // More distinct names and addresses than the decoders keep, each decoded twice, far apart and in turn.
        Random random = new Random(7);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5_000; i++) {
                String comm = i % 3 == 0 ? "worker-" + i : "w" + (i % 997) + "-" + "x".repeat(i % 9);
                comm = comm.substring(0, Math.min(comm.length(), 16));
                boolean ipv6 = i % 4 == 0;
                byte[] local = new byte[ipv6 ? 16 : 4];
                byte[] peer = new byte[ipv6 ? 16 : 4];
                new Random(i).nextBytes(local);
                peer[peer.length - 1] = (byte) i;
                peer[0] = (byte) (i >> 8);
                byte[] bytes = new L7RingRecord().task(100 + i, 100 + i, comm, 1)
                        .socket(i, 3, local, 1000 + i, peer, 80)
                        .send(L7RingRecord.SYS_WRITE, new byte[] {(byte) random.nextInt()}, 0, 0).bytes();

                L7PayloadEvent event = (L7PayloadEvent) KernelEventDecoder.decode(
                        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()));

                assertThat(event.task().comm()).isEqualTo(comm);
                assertThat(event.endpoints().localAddress()).isEqualTo(InetAddress.getByAddress(local));
                assertThat(event.endpoints().remoteAddress()).isEqualTo(InetAddress.getByAddress(peer));
            }
        }
    }

    /** An L7 record as tapwire_l7.bpf.c writes it: a writev of 3000 bytes by a client, HTTP, seq valid, iovec limit. */
    private static ByteBuffer l7Record(byte[] head, byte[] tail) {
        ByteBuffer record = record(14, 152 + head.length + tail.length);
        record.putLong(48, 777L);
        record.putLong(56, 100L);
        record.putLong(64, 5000L);
        record.putLong(72, 3000L);
        record.putLong(80, 42L);
        record.put(88, new byte[] {127, 0, 0, 1});
        record.put(104, new byte[] {10, 0, 0, 9});
        record.putShort(120, (short) 2);
        record.putShort(122, (short) 41000);
        record.putShort(124, (short) 80);
        record.put(126, (byte) 1);
        record.put(127, (byte) 1);
        record.putInt(128, 0xF000_0001);
        record.putInt(132, head.length);
        record.putInt(136, tail.length);
        record.putShort(140, (short) (0x4 | 0x8 | 0x1));
        record.put(142, (byte) 1);
        record.put(143, (byte) 7);
        record.putInt(144, 9);
        record.put(148, (byte) 6);
        record.put(152, head);
        record.put(152 + head.length, tail);
        return record;
    }

    /** A zeroed record of this type and size with {@link #TASK} in its header, as the kernel writes it. */
    private static ByteBuffer record(int type, int size) {
        ByteBuffer record = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        record.putInt(0, type);
        record.putInt(4, TASK.pid());
        record.putLong(8, 123_456_789_012L);
        record.putInt(16, TASK.tid());
        record.putInt(20, (int) TASK.netnsInode()); // above 2^31 as real ones are
        record.putLong(24, TASK.cgroupId());
        putString(record, 32, TASK.comm());
        return record;
    }

    private static void putString(ByteBuffer record, int offset, String value) {
        record.put(offset, value.getBytes(StandardCharsets.UTF_8));
    }
}
