package io.tapwire.streams.l7.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a DNS message (RFC 1035 4.1) from the bytes the capture kept of it, which may stop anywhere: the header, the
 * first question, and the A/AAAA addresses of the answer records that are there whole. Never throws; names may use
 * compression pointers (4.1.4), which are followed a bounded number of times.
 */
final class DnsDecoder {

    static final int HEADER = 12;
    private static final int TYPE_A = 1;
    private static final int TYPE_AAAA = 28;
    private static final int CLASS_IN = 1;
    /** RFC 1035 2.3.4: a name is at most 255 octets. */
    private static final int MAX_NAME = 255;
    private static final int MAX_POINTERS = 32;
    /** Answers whose addresses are kept: more than any real response carries for one name. */
    private static final int MAX_ANSWERS = 64;

    private final byte[] data;
    private final int base;
    private final int length;

    private DnsDecoder(byte[] data, int base, int length) {
        this.data = data;
        this.base = base;
        this.length = length;
    }

    /** The message in {@code data[offset, offset + length)}, or null when not even its header is there. */
    static DnsMessage decode(byte[] data, int offset, int length) {
        if (length < HEADER) {
            return null;
        }
        return new DnsDecoder(data, offset, length).message();
    }

    /**
     * True when the 12 bytes at {@code offset} read as the header of a query ({@code response} false) or a response:
     * QR as expected, a defined opcode, the Z bit clear, at most one question (what every resolver sends).
     */
    static boolean plausibleHeader(byte[] data, int offset, int length, boolean response) {
        if (length < HEADER) {
            return false;
        }
        DnsDecoder d = new DnsDecoder(data, offset, length);
        int flags = d.u16(2);
        int opcode = (flags >> 11) & 0xF;
        boolean opcodeKnown = opcode <= 2 || opcode == 4 || opcode == 5 || opcode == 6;
        return ((flags & 0x8000) != 0) == response && opcodeKnown && (flags & 0x40) == 0 && d.u16(4) <= 1;
    }

    private DnsMessage message() {
        int flags = u16(2);
        int questions = u16(4);
        int answerCount = u16(6);
        String name = null;
        int type = -1;
        List<String> answers = new ArrayList<>();
        int at = HEADER;
        for (int q = 0; q < questions && at >= 0; q++) {
            int end = skipName(at);
            if (q == 0 && end >= 0) {
                name = readName(at);
                type = end + 2 <= length ? u16(end) : -1;
            }
            at = end >= 0 && end + 4 <= length ? end + 4 : -1;
        }
        for (int a = 0; a < answerCount && at >= 0 && answers.size() < MAX_ANSWERS; a++) {
            int end = skipName(at);
            if (end < 0 || end + 10 > length) {
                break;
            }
            int recordType = u16(end);
            int recordClass = u16(end + 2);
            int rdLength = u16(end + 8);
            int rdata = end + 10;
            if (rdata + rdLength > length) {
                break;
            }
            boolean address = (recordType == TYPE_A && rdLength == 4) || (recordType == TYPE_AAAA && rdLength == 16);
            if (address && recordClass == CLASS_IN) {
                answers.add(address(rdata, rdLength));
            }
            at = rdata + rdLength;
        }
        return new DnsMessage(u16(0), (flags & 0x8000) != 0, (flags >> 11) & 0xF, flags & 0xF, name, type, answers);
    }

    /** Where the name at {@code at} ends in the message (after its terminating 0 or its first pointer), or -1. */
    private int skipName(int at) {
        int i = at;
        while (i < length) {
            int label = u8(i);
            if (label == 0) {
                return i + 1;
            }
            if ((label & 0xC0) == 0xC0) {
                return i + 2 <= length ? i + 2 : -1;
            }
            if ((label & 0xC0) != 0) {
                return -1;
            }
            i += 1 + label;
        }
        return -1;
    }

    /** The name at {@code at}, following pointers; null when it is malformed, too long, or runs past the bytes. */
    private String readName(int at) {
        StringBuilder name = new StringBuilder();
        int i = at;
        int octets = 0;
        int pointers = 0;
        while (i < length) {
            int label = u8(i);
            if (label == 0) {
                return name.isEmpty() ? "." : name.toString();
            }
            if ((label & 0xC0) == 0xC0) {
                if (i + 1 >= length || ++pointers > MAX_POINTERS) {
                    return null;
                }
                i = ((label & 0x3F) << 8) | u8(i + 1);
                continue;
            }
            if ((label & 0xC0) != 0 || i + 1 + label > length) {
                return null;
            }
            octets += label + 1;
            if (octets > MAX_NAME) {
                return null;
            }
            if (!name.isEmpty()) {
                name.append('.');
            }
            for (int k = i + 1; k <= i + label; k++) {
                appendChar(name, u8(k));
            }
            i += 1 + label;
        }
        return null;
    }

    /** Printable ASCII lower-cased; dots, backslashes and other bytes as \DDD (RFC 4343 2.1), as dig prints them. */
    private static void appendChar(StringBuilder name, int b) {
        if (b > 0x20 && b < 0x7F && b != '.' && b != '\\') {
            name.append(Character.toLowerCase((char) b));
        } else {
            name.append('\\').append((char) ('0' + b / 100)).append((char) ('0' + b / 10 % 10))
                    .append((char) ('0' + b % 10));
        }
    }

    private String address(int at, int count) {
        byte[] raw = new byte[count];
        System.arraycopy(data, base + at, raw, 0, count);
        try {
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + count + " bytes", e);
        }
    }

    private int u8(int at) {
        return data[base + at] & 0xFF;
    }

    private int u16(int at) {
        return (u8(at) << 8) | u8(at + 1);
    }
}
