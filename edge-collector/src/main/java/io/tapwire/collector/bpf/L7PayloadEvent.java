package io.tapwire.collector.bpf;

import io.tapwire.collector.l7.L7Protocol;

/**
 * One read or write of a socket whose connection the kernel classified ({@code struct tapwire_l7_event} and the
 * bytes behind it).
 *
 * @param ktimeNs           CLOCK_MONOTONIC at the syscall's exit
 * @param task              the thread that did the syscall
 * @param processStartTicks its process's start time in USER_HZ ticks (names the process across pid reuse)
 * @param socketInode       the connection id's inode
 * @param syscallStartNs    CLOCK_MONOTONIC at the syscall's enter
 * @param streamOffset      payload bytes this direction carried before this call, since the connection started
 *                          (TCP; 0 for UDP). For role UNKNOWN, a send's offset counts the SYN of an actively
 *                          opened socket (see {@link #roleGuessed})
 * @param byteCount         bytes the call moved (for recvmmsg/sendmmsg: this message's)
 * @param endpoints         local and peer address; for unconnected UDP the datagram's peer
 * @param role              which end of the connection this socket is; for UDP who asked (CLIENT) or answered
 * @param send              true when the task wrote the bytes, false when it read them
 * @param tcpSeq            TCP sequence number of the first byte, unsigned 32 bits; -1 when not TCP
 * @param protocol          the kernel's protocol hint
 * @param syscall           which call moved the bytes: read, readv, recvfrom, ..., sendfile, splice
 * @param fd                the socket's fd in the task
 * @param udp               true for UDP, false for TCP
 * @param head              the first bytes of the data (empty for sendfile/splice)
 * @param tail              the last bytes when the data is longer than the head (never overlapping it), else empty
 * @param sizeOnly          sendfile/splice: the bytes never passed through user memory
 * @param iovecLimit        the data had more iovecs than the kernel walks: head or tail is short
 * @param readFailed        user memory could not be read: head or tail is short
 * @param roleGuessed       role UNKNOWN (a socket older than the collector): see streamOffset
 */
public record L7PayloadEvent(
        long ktimeNs,
        KernelTask task,
        long processStartTicks,
        long socketInode,
        long syscallStartNs,
        long streamOffset,
        long byteCount,
        TcpEndpoints endpoints,
        TcpRole role,
        boolean send,
        long tcpSeq,
        L7Protocol protocol,
        String syscall,
        int fd,
        boolean udp,
        byte[] head,
        byte[] tail,
        boolean sizeOnly,
        boolean iovecLimit,
        boolean readFailed,
        boolean roleGuessed) implements KernelEvent {

    @Override
    public EventType type() {
        return EventType.L7_PAYLOAD;
    }

    /** True when bytes after the head were not copied into it. */
    public boolean headTruncated() {
        return byteCount > head.length;
    }
}
