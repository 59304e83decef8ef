package io.tapwire.collector.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One L7_PAYLOAD ring-buffer record laid out as tapwire_l7.bpf.c writes it: {@code struct tapwire_l7_event} at the
 * offsets of bpf/src/main/bpf/tapwire_events.h (written out here, not taken from the decoder, so a decoder that
 * drifts from the header is caught), then the head and the tail of the syscall's data, cut the way the kernel cuts
 * them: the head is the first {@code headBytes} bytes, the tail the last {@code tailBytes} of what is left. Defaults
 * are the collector's (1,024 and 64) and a TCP socket on 127.0.0.1 whose role the kernel knew. Public for the
 * benchmarks, which replay the same records.
 */
public final class L7RingRecord {

    public static final int SYS_READ = 1;
    public static final int SYS_RECVFROM = 3;
    public static final int SYS_WRITE = 6;
    public static final int SYS_WRITEV = 7;
    public static final int SYS_SENDTO = 8;
    public static final int SYS_SENDFILE = 11;

    public static final int ROLE_UNKNOWN = 0;
    public static final int ROLE_CLIENT = 1;
    public static final int ROLE_SERVER = 2;

    public static final int PROTO_HTTP1 = 1;
    public static final int PROTO_POSTGRES = 2;
    public static final int PROTO_MYSQL = 3;
    public static final int PROTO_REDIS = 4;
    public static final int PROTO_DNS = 6;

    private static final int TYPE_L7_PAYLOAD = 14;
    private static final int SIZE = 152;
    private static final int FLAG_HEAD_TRUNCATED = 0x1;
    private static final int FLAG_SIZE_ONLY = 0x2;
    private static final int FLAG_SEQ_VALID = 0x4;
    private static final int FLAG_ROLE_GUESSED = 0x20;

    private int pid = 4001;
    private int tid = 4001;
    private String comm = "nginx";
    private long cgroupId = 1;
    private long netnsInode = 4026531833L;
    private long processStartTicks = 1_751_061;
    private long ktimeNs = 17_512_156_987_939L;
    private long syscallNs = 20_000;
    private long socketInode = 1_588_932;
    private long streamOffset;
    private byte[] local = {127, 0, 0, 1};
    private byte[] peer = {127, 0, 0, 1};
    private int localPort = 8080;
    private int peerPort = 41_000;
    private int role = ROLE_SERVER;
    private boolean send;
    private long tcpSeq = 2_844_726_167L;
    private int protocol = PROTO_HTTP1;
    private int syscall = SYS_READ;
    private int fd = 5;
    private boolean udp;
    private byte[] data = new byte[0];
    private long byteCount = -1;
    private boolean sizeOnly;
    private int headBytes = 1024;
    private int tailBytes = 64;

    public L7RingRecord task(int pid, int tid, String comm, long processStartTicks) {
        this.pid = pid;
        this.tid = tid;
        this.comm = comm;
        this.processStartTicks = processStartTicks;
        return this;
    }

    /** The syscall's exit; it took {@code syscallNs} from its enter. */
    public L7RingRecord time(long ktimeNs, long syscallNs) {
        this.ktimeNs = ktimeNs;
        this.syscallNs = syscallNs;
        return this;
    }

    /** 4-byte addresses make an AF_INET socket, 16-byte ones AF_INET6. */
    public L7RingRecord socket(long inode, int fd, byte[] local, int localPort, byte[] peer, int peerPort) {
        this.socketInode = inode;
        this.fd = fd;
        this.local = local.clone();
        this.localPort = localPort;
        this.peer = peer.clone();
        this.peerPort = peerPort;
        return this;
    }

    public L7RingRecord role(int role) {
        this.role = role;
        return this;
    }

    public L7RingRecord protocol(int protocol) {
        this.protocol = protocol;
        return this;
    }

    /** UDP: no sequence number, stream offset 0. */
    public L7RingRecord udp() {
        this.udp = true;
        return this;
    }

    /** The task wrote {@code data} with {@code syscall}, at this stream offset and TCP sequence number. */
    public L7RingRecord send(int syscall, byte[] data, long streamOffset, long tcpSeq) {
        return moved(true, syscall, data, streamOffset, tcpSeq);
    }

    /** The task read {@code data} with {@code syscall}. */
    public L7RingRecord receive(int syscall, byte[] data, long streamOffset, long tcpSeq) {
        return moved(false, syscall, data, streamOffset, tcpSeq);
    }

    /** sendfile: {@code count} bytes that never passed through user memory. */
    public L7RingRecord sendFile(long count, long streamOffset, long tcpSeq) {
        moved(true, SYS_SENDFILE, new byte[0], streamOffset, tcpSeq);
        this.byteCount = count;
        this.sizeOnly = true;
        return this;
    }

    /** The capture settings' head and tail sizes. */
    public L7RingRecord capture(int headBytes, int tailBytes) {
        this.headBytes = headBytes;
        this.tailBytes = tailBytes;
        return this;
    }

    private L7RingRecord moved(boolean send, int syscall, byte[] data, long streamOffset, long tcpSeq) {
        this.send = send;
        this.syscall = syscall;
        this.data = data.clone();
        this.byteCount = data.length;
        this.streamOffset = streamOffset;
        this.tcpSeq = tcpSeq;
        return this;
    }

    /** The record's bytes, in native byte order as the ring buffer holds them. */
    public byte[] bytes() {
        byte[] head = sizeOnly ? new byte[0] : Arrays.copyOf(data, Math.min(data.length, headBytes));
        int rest = sizeOnly ? 0 : data.length - head.length;
        byte[] tail = Arrays.copyOfRange(data, data.length - Math.min(rest, tailBytes), data.length);
        ByteBuffer record = ByteBuffer.allocate(SIZE + head.length + tail.length).order(ByteOrder.nativeOrder());
        record.putInt(0, TYPE_L7_PAYLOAD);
        record.putInt(4, pid);
        record.putLong(8, ktimeNs);
        record.putInt(16, tid);
        record.putInt(20, (int) netnsInode);
        record.putLong(24, cgroupId);
        byte[] name = comm.getBytes(StandardCharsets.UTF_8);
        record.put(32, name, 0, Math.min(name.length, 16));
        record.putLong(48, socketInode);
        record.putLong(56, ktimeNs - syscallNs);
        record.putLong(64, udp ? 0 : streamOffset);
        record.putLong(72, byteCount);
        record.putLong(80, processStartTicks);
        record.put(88, local);
        record.put(104, peer);
        record.putShort(120, (short) (local.length == 16 ? 10 : 2));
        record.putShort(122, (short) localPort);
        record.putShort(124, (short) peerPort);
        record.put(126, (byte) role);
        record.put(127, (byte) (send ? 1 : 2));
        int flags = (byteCount > head.length ? FLAG_HEAD_TRUNCATED : 0) | (sizeOnly ? FLAG_SIZE_ONLY : 0)
                | (udp ? 0 : FLAG_SEQ_VALID) | (role == ROLE_UNKNOWN ? FLAG_ROLE_GUESSED : 0);
        record.putInt(128, udp ? 0 : (int) tcpSeq);
        record.putInt(132, head.length);
        record.putInt(136, tail.length);
        record.putShort(140, (short) flags);
        record.put(142, (byte) protocol);
        record.put(143, (byte) syscall);
        record.putInt(144, fd);
        record.put(148, (byte) (udp ? 17 : 6));
        record.put(SIZE, head);
        record.put(SIZE + head.length, tail);
        return record.array();
    }
}
