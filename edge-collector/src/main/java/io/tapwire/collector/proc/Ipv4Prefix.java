package io.tapwire.collector.proc;

/**
 * An IPv4 network: address and prefix length, the address as a 32-bit integer in network order (1.2.3.4 is
 * 0x01020304).
 */
record Ipv4Prefix(int network, int length) {

    Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("IPv4 prefix length must be 0..32, got " + length);
        }
        network &= mask(length);
    }

    boolean contains(int address) {
        return (address & mask(length)) == network;
    }

    static int toInt(byte[] address) {
        return ((address[0] & 0xff) << 24) | ((address[1] & 0xff) << 16) | ((address[2] & 0xff) << 8)
                | (address[3] & 0xff);
    }

    static byte[] toBytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }
}
