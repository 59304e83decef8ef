package io.tapwire.streams.l7.parse;

/**
 * What a parser could not pair or frame, since its connection started. Never reset: a caller reports differences.
 *
 * @param unpairedResponses responses that arrived with no request outstanding: discarded, never paired with a later request
 * @param resyncs           times the parser lost the message boundaries (bytes it did not see, bytes it could not read) and
 *                          found them again at a recognisable message
 * @param skippedBytes      bytes passed over without parsing: not captured, or skipped while resynchronising
 */
public record ParserCounters(long unpairedResponses, long resyncs, long skippedBytes) {

    public static final ParserCounters NONE = new ParserCounters(0, 0, 0);
}
