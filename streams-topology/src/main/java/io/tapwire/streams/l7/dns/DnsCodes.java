package io.tapwire.streams.l7.dns;

/** The names Tapwire gives DNS codes: query types (RFC 1035, 3596, 2782, 9460…), opcodes and response codes. */
final class DnsCodes {

    private DnsCodes() {
    }

    /** The operation of an exchange: the question's type for a standard query, else the opcode's name. */
    static String operation(DnsMessage query) {
        return switch (query.opcode()) {
            case 0 -> query.type() < 0 ? null : typeName(query.type());
            case 1 -> "IQUERY";
            case 2 -> "STATUS";
            case 4 -> "NOTIFY";
            case 5 -> "UPDATE";
            case 6 -> "DSO";
            default -> "OPCODE" + query.opcode();
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case 1 -> "A";
            case 2 -> "NS";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 12 -> "PTR";
            case 13 -> "HINFO";
            case 15 -> "MX";
            case 16 -> "TXT";
            case 28 -> "AAAA";
            case 33 -> "SRV";
            case 35 -> "NAPTR";
            case 43 -> "DS";
            case 48 -> "DNSKEY";
            case 64 -> "SVCB";
            case 65 -> "HTTPS";
            case 99 -> "SPF";
            case 251 -> "IXFR";
            case 252 -> "AXFR";
            case 255 -> "ANY";
            case 257 -> "CAA";
            default -> "TYPE" + type;
        };
    }

    /** The status label of a response code (PROTOCOLS.md "Status labels"). */
    static String status(int rcode) {
        return switch (rcode) {
            case 0 -> "ok";
            case 1 -> "format_error";
            case 2 -> "servfail";
            case 3 -> "nxdomain";
            case 4 -> "not_implemented";
            case 5 -> "refused";
            default -> "rcode" + rcode;
        };
    }

    /** The server could not or would not answer; a name that does not exist (nxdomain) is an answer, not an error. */
    static boolean isError(int rcode) {
        return rcode == 1 || rcode == 2 || rcode == 4 || rcode == 5;
    }
}
