package io.tapwire.streams.l7.parse;

/**
 * What a parser could not pair or frame, since its connection started. Never reset: a caller reports differences.
 *
 * @param unpairedResponses responses that arrived with no request outstanding: discarded, never paired with a later request
 * @param resyncs           times the parser lost the message boundaries (bytes it did not see, bytes it could not read) and
 *                          found them again at a recognisable message
 * @param skippedBytes      bytes passed over without parsing: not captured, or skipped while resynchronising
 * @param droppedRequests   requests given up on without their response: the oldest when too many were waiting, or those
 *                          whose response may have been in bytes the parser could not read (HTTP and memcached still
 *                          report them, with status "unknown"; the other protocols report nothing), or DNS queries left
 *                          unanswered too long
 */
public record ParserCounters(long unpairedResponses, long resyncs, long skippedBytes, long droppedRequests) {

    public static final ParserCounters NONE = new ParserCounters(0, 0, 0, 0);
}
