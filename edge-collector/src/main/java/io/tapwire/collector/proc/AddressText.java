package io.tapwire.collector.proc;

/**
 * IP addresses as text: the canonical form the raw records carry, and the hex forms procfs prints.
 *
 * <p>Canonical means dotted quad for IPv4 and RFC 5952 for IPv6 (lower case, no leading zeros, the longest run
 * of two or more zero groups as "::", the first one on a tie). IPv4-mapped IPv6 addresses stay IPv6 and print as
 * {@code ::ffff:a.b.c.d} (RFC 5952 section 5), because the socket is AF_INET6 and the kernel reported them so;
 * {@link java.net.InetAddress} would turn them into IPv4 addresses and its IPv6 text is not RFC 5952.
 */
public final class AddressText {

    private AddressText() {
    }

    /** The canonical text of a 4-byte (IPv4) or 16-byte (IPv6) address in network byte order. */
    public static String of(byte[] address) {
        if (address.length == 4) {
            return ipv4(address, 0);
        }
        if (address.length == 16) {
            return ipv6(address);
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + address.length);
    }

    /**
     * Parses the 8 hex digits procfs prints for an IPv4 address in {@code net/tcp} and {@code net/route}: the
     * {@code __be32} printed as a host-order (little-endian on x86) integer, so the bytes come reversed.
     */
    public static byte[] ipv4FromProcHex(String hex) {
        if (hex.length() != 8) {
            throw new IllegalArgumentException("an IPv4 address in procfs has 8 hex digits, got '" + hex + "'");
        }
        return littleEndianWord(hex, 0);
    }

    /**
     * Parses the 32 hex digits {@code net/tcp6} prints for an IPv6 address: four 32-bit words, each printed as a
     * host-order integer, so the bytes of each word come reversed.
     */
    public static byte[] ipv6FromProcHex(String hex) {
        if (hex.length() != 32) {
            throw new IllegalArgumentException("an IPv6 address in procfs has 32 hex digits, got '" + hex + "'");
        }
        byte[] address = new byte[16];
        for (int word = 0; word < 4; word++) {
            System.arraycopy(littleEndianWord(hex, word * 8), 0, address, word * 4, 4);
        }
        return address;
    }

    /** Parses 32 hex digits in network byte order, as {@code net/if_inet6} prints addresses. */
    public static byte[] ipv6FromNetworkOrderHex(String hex) {
        if (hex.length() != 32) {
            throw new IllegalArgumentException("an IPv6 address has 32 hex digits, got '" + hex + "'");
        }
        byte[] address = new byte[16];
        for (int i = 0; i < 16; i++) {
            address[i] = (byte) Integer.parseInt(hex.substring(i * 2, i * 2 + 2), 16);
        }
        return address;
    }

    /** Parses a dotted quad, as fib_trie prints addresses. */
    public static byte[] ipv4FromDottedQuad(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = Integer.parseInt(parts[i]);
            if (value < 0 || value > 255 || parts[i].length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            address[i] = (byte) value;
        }
        return address;
    }

    private static byte[] littleEndianWord(String hex, int from) {
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[3 - i] = (byte) Integer.parseInt(hex.substring(from + i * 2, from + i * 2 + 2), 16);
        }
        return bytes;
    }

    private static String ipv4(byte[] address, int from) {
        return (address[from] & 0xff) + "." + (address[from + 1] & 0xff) + "." + (address[from + 2] & 0xff) + "."
                + (address[from + 3] & 0xff);
    }

    private static String ipv6(byte[] address) {
        if (isIpv4Mapped(address)) {
            return "::ffff:" + ipv4(address, 12);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[i * 2] & 0xff) << 8) | (address[i * 2 + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }
}
