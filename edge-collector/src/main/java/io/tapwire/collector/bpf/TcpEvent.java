package io.tapwire.collector.bpf;

/**
 * One TCP lifecycle event of one socket ({@code struct tapwire_tcp_event}). Which fields carry a
 * value depends on the type; the others are 0.
 *
 * @param type            one of the TCP_* types:
 *                        LISTEN_OPEN / LISTEN_CLOSE (the socket entered / left LISTEN),
 *                        CONNECT_OK (SYN_SENT → ESTABLISHED), CONNECT_FAILED (SYN_SENT → CLOSE, or
 *                        connect() failed before any SYN), ACCEPT (accept/accept4 returned it),
 *                        CLOSE (a connected or accepted socket reached TCP_CLOSE; final counters),
 *                        RETRANSMIT (tcp_retransmit_skb), STATS (counters of a live connection,
 *                        at most once per configured interval while it receives segments)
 * @param ktimeNs         CLOCK_MONOTONIC at the event, nanoseconds
 * @param task            the process that did the syscall; for events in softirq context the
 *                        socket's owner (who connected, accepted or listened);
 *                        {@link KernelTask#UNKNOWN} when {@code ownerKnown} is false
 * @param processStartTicks start time of the task's process in USER_HZ ticks since boot (its group
 *                        leader's, field 22 of /proc/&lt;pid&gt;/stat): with the pid it names the
 *                        process across pid reuse; 0 when {@code ownerKnown} is false
 * @param ownerKnown      false for a socket never seen in process context (older than the collector
 *                        and ended by the peer); the connection is still named by its inode
 * @param socketInode     what /proc/&lt;pid&gt;/fd shows as socket:[inode]: the connection's id
 * @param role            which end this socket is
 * @param endpoints       addresses and ports at the event; for a CONNECT_FAILED before any SYN,
 *                        the remote end is the destination connect() was given
 * @param state           TCP state at the event (the new state for a state change)
 * @param fd              the fd of the syscall that produced the event (ACCEPT, CONNECT_FAILED from
 *                        connect()'s return), -1 for events outside a syscall
 * @param handshakeNs     CONNECT_OK: SYN_SENT to ESTABLISHED, nanoseconds
 * @param errorCode       CONNECT_FAILED: positive errno (111 ECONNREFUSED, 110 ETIMEDOUT, ...), 0 if
 *                        the kernel gave none
 * @param bytesAcked      CLOSE, STATS, RETRANSMIT: payload bytes the peer acknowledged: tcp_sock
 *                        bytes_acked less the SYN and FIN, which it counts as a byte each (for role
 *                        UNKNOWN, an actively opened socket's SYN may remain: 1 too many)
 * @param bytesReceived   CLOSE, STATS, RETRANSMIT: payload bytes received in order (tcp_sock
 *                        bytes_received less the peer's FIN)
 * @param srttUs          smoothed RTT in microseconds (CLOSE, STATS, RETRANSMIT; CONNECT_OK's first sample)
 * @param totalRetrans    CLOSE, STATS, RETRANSMIT: segments retransmitted over the connection's life
 * @param segments        RETRANSMIT: segments the kernel counted as retransmitted (RetransSegs, totalRetrans) since the
 *                        socket's last RETRANSMIT event: usually one skb's, more than 1 for a TSO/GSO skb
 */
public record TcpEvent(
        EventType type,
        long ktimeNs,
        KernelTask task,
        long processStartTicks,
        boolean ownerKnown,
        long socketInode,
        TcpRole role,
        TcpEndpoints endpoints,
        TcpState state,
        int fd,
        long handshakeNs,
        int errorCode,
        long bytesAcked,
        long bytesReceived,
        int srttUs,
        long totalRetrans,
        int segments) implements KernelEvent {
}
