package io.tapwire.streams.net;

import java.util.Locale;

import io.tapwire.schemas.keys.ListenerKey;
import io.tapwire.streams.InternalKeys;

/**
 * IP endpoints as the topology names them: {@code ip:port}, {@code [addr]:port} for IPv6, and the scope in which
 * an endpoint means one socket. A loopback address (127.0.0.0/8, ::1) only means something within one network
 * namespace of one node; any other address is taken to be unique in its cluster.
 */
public final class Endpoints {

    private static final String V4_MAPPED = "::ffff:";

    private Endpoints() {
    }

    /**
     * {@code ip:port}, or {@code [addr]:port} for IPv6, of the {@link #normalize normalised} address: a dual-stack
     * socket's view of an IPv4 peer ({@code ::ffff:127.0.0.1}) is named as the IPv4 endpoint it is.
     */
    public static String format(String address, int port) {
        String a = normalize(address);
        return a.indexOf(':') >= 0 ? "[" + a + "]:" + port : a + ":" + port;
    }

    /** The address of an endpoint formatted by {@link #format}. */
    public static String addressOf(String endpoint) {
        if (endpoint.startsWith("[")) {
            return endpoint.substring(1, endpoint.indexOf(']'));
        }
        int colon = endpoint.lastIndexOf(':');
        return colon < 0 ? endpoint : endpoint.substring(0, colon);
    }

    /**
     * The address to compare: lower case, an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.5}, what a dual-stack
     * socket reports for an IPv4 peer) as the IPv4 address it maps.
     */
    public static String normalize(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        if (a.startsWith(V4_MAPPED) && a.indexOf('.') > 0) {
            return a.substring(V4_MAPPED.length());
        }
        return a;
    }

    public static boolean isLoopback(String address) {
        String a = normalize(address);
        return a.startsWith("127.") || a.equals("::1");
    }

    public static boolean isIpv4(String address) {
        return normalize(address).indexOf(':') < 0;
    }

    /** 0.0.0.0 listens on every IPv4 address of its namespace. */
    public static boolean isIpv4Wildcard(String address) {
        return address.equals("0.0.0.0");
    }

    /** :: listens on every address of its namespace, IPv4 too (Linux's default net.ipv6.bindv6only=0). */
    public static boolean isIpv6Wildcard(String address) {
        return address.equals("::");
    }

    /**
     * The key under which {@code address:port} names one socket: {@code cluster/node/netnsInode/ip:port} (the
     * {@link ListenerKey} format) for loopback, {@code cluster/ip:port} otherwise.
     */
    public static String scopedKey(String cluster, String node, long netnsInode, String address, int port) {
        String endpoint = format(address, port);
        return isLoopback(address)
                ? new ListenerKey(cluster, node, netnsInode, endpoint).format()
                : InternalKeys.join(cluster, endpoint);
    }

    /** {@link #scopedKey} of a listener known by its {@link ListenerKey}. */
    public static String scopedKey(ListenerKey listener) {
        String address = addressOf(listener.address());
        int port = Integer.parseInt(listener.address().substring(listener.address().lastIndexOf(':') + 1));
        return scopedKey(listener.cluster(), listener.node(), listener.netnsInode(), address, port);
    }
}
