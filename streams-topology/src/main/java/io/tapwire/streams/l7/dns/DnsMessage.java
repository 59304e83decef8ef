package io.tapwire.streams.l7.dns;

import java.util.List;

/**
 * What a DNS message (RFC 1035 4.1) says, as far as its bytes were captured.
 *
 * @param id       the 16-bit query id a response repeats
 * @param response the QR bit
 * @param opcode   0 for a standard query
 * @param rcode    the response code (header RCODE, 4 bits)
 * @param name     the first question's name, lower-case, without the trailing dot ("." for the root); null if not read
 * @param type     the first question's QTYPE; -1 if not read
 * @param answers  the addresses of the A and AAAA records of the answer section read, in text form
 */
record DnsMessage(int id, boolean response, int opcode, int rcode, String name, int type, List<String> answers) {

    DnsMessage {
        answers = List.copyOf(answers);
    }
}
