package io.tapwire.collector.proc;

import io.tapwire.collector.bpf.TcpState;
import io.tapwire.schemas.raw.Transport;

/**
 * One line of {@code /proc/<pid>/net/tcp}, {@code tcp6}, {@code udp} or {@code udp6}: an IP socket of that
 * namespace.
 *
 * @param transport     TCP or UDP
 * @param inode         the socket's inode, as {@code socket:[inode]} in /proc/&lt;pid&gt;/fd; 0 for sockets no file
 *                      refers to (TIME_WAIT, SYN_RECV request sockets, orphans after close)
 * @param state         the TCP state; for UDP the kernel uses the same codes: CLOSE for an unconnected socket,
 *                      ESTABLISHED for a connected one
 * @param ipv6          whether the socket is AF_INET6 (from tcp6); its IPv4 peers appear as ::ffff:a.b.c.d
 * @param localAddress  local address, canonical text (see {@link AddressText})
 * @param localPort     local port
 * @param remoteAddress remote address, canonical text; 0.0.0.0 or :: when not connected
 * @param remotePort    remote port, 0 when not connected
 * @param uid           the socket's owner uid (the creator's effective uid)
 */
public record InetSocket(Transport transport, long inode, TcpState state, boolean ipv6, String localAddress, int localPort,
        String remoteAddress, int remotePort, int uid) {
}
