package io.tapwire.streams.l7.parse;

import java.util.List;

/**
 * One request and its response as a parser recognised them on one side of a connection.
 *
 * @param operation       method or command: GET, SELECT, SET (Redis), get (memcached), A (DNS query type); null if unknown
 * @param resource        what was asked for: HTTP path without query values, SQL statement, first key, DNS name; null if unknown
 * @param status          the protocol's status: an HTTP code ("200"), SQLSTATE or MySQL error code, "ok"/"failed", DNS RCODE
 *                        name ("nxdomain"), "unknown" when the response was not seen well enough
 * @param error           true when the exchange counts as an error (HTTP ≥ 500, the protocol's error reply, DNS servfail…)
 * @param errorDetail     the error message of the response, when there is one
 * @param requestStartNs  when the request's first byte was seen (epoch ns)
 * @param responseFirstNs when the response's first byte was seen
 * @param responseLastNs  when the response's last byte was seen
 * @param requestBytes    bytes of the request
 * @param responseBytes   bytes of the response
 * @param requestSeq      TCP sequence number of the request's first byte, -1 if unknown
 * @param responseSeq     TCP sequence number of the response's first byte, -1 if unknown
 * @param answers         DNS: the addresses in the A/AAAA answers (text form); empty for other protocols
 */
public record Exchange(String operation, String resource, String status, boolean error, String errorDetail,
                       long requestStartNs, long responseFirstNs, long responseLastNs, long requestBytes,
                       long responseBytes, long requestSeq, long responseSeq, List<String> answers) {

    public Exchange {
        answers = List.copyOf(answers);
    }
}
