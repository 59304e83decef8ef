package io.tapwire.collector.bpf;

import java.net.InetAddress;

/**
 * A socket's addresses and ports, local = this socket's end.
 *
 * @param ipv6          whether the socket is AF_INET6. An IPv6 socket talking IPv4 has v4-mapped
 *                      addresses (::ffff:a.b.c.d), which {@link InetAddress} returns as
 *                      {@link java.net.Inet4Address}: this flag keeps what the kernel reported
 * @param localAddress  the bound or chosen local address (0.0.0.0 or :: when unbound)
 * @param localPort     local port, 0 before one is bound
 * @param remoteAddress the peer's address, 0.0.0.0 or :: when not connected
 * @param remotePort    the peer's port, 0 when not connected
 */
public record TcpEndpoints(boolean ipv6, InetAddress localAddress, int localPort, InetAddress remoteAddress,
        int remotePort) {
}
