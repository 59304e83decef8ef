package io.tapwire.collector.proc;

import io.tapwire.collector.bpf.TcpState;

/**
 * One line of {@code /proc/<pid>/net/tcp} or {@code tcp6}: a TCP socket of that namespace.
 *
 * @param inode         the socket's inode, as {@code socket:[inode]} in /proc/&lt;pid&gt;/fd; 0 for sockets no file
 *                      refers to (TIME_WAIT, SYN_RECV request sockets, orphans after close)
 * @param state         the TCP state
 * @param ipv6          whether the socket is AF_INET6 (from tcp6); its IPv4 peers appear as ::ffff:a.b.c.d
 * @param localAddress  local address, canonical text (see {@link AddressText})
 * @param localPort     local port
 * @param remoteAddress remote address, canonical text; 0.0.0.0 or :: when not connected
 * @param remotePort    remote port, 0 when not connected
 * @param uid           the socket's owner uid (the creator's effective uid)
 */
public record TcpSocket(long inode, TcpState state, boolean ipv6, String localAddress, int localPort,
        String remoteAddress, int remotePort, int uid) {
}
