package io.tapwire.streams.l7.redis;

/**
 * One RESP message as {@link RespFramer} framed it: a request (array of bulk strings or inline command) or a reply.
 *
 * @param start        stream offset of its first byte
 * @param length       its bytes on the wire; a guess when not {@code framed}
 * @param firstNs      when its first byte was seen
 * @param lastNs       when its last byte was seen
 * @param seq          TCP sequence number of its first byte, -1 if unknown
 * @param type         the first byte of the reply that is not an attribute ({@code '+'}, {@code '-'}, {@code '*'}…);
 *                     {@code '*'} for an array request, {@code 'i'} for an inline command; -1 if not read
 * @param args         requests: the first {@link RespFramer#CAPTURED_ARGS} arguments as far as they were captured
 *                     (each cut to {@link RespFramer#MAX_ARGUMENT} bytes), null where not seen
 * @param errorDetail  replies: the text of a {@code -} error or {@code !} blob error; else null
 * @param firstElement replies: the first element of a top-level array or push when it is a short string (pub/sub
 *                     replies start with "message", "subscribe"…), lower-cased; else null
 * @param framed       false when the framing was lost inside the message (bytes the capture did not see, where RESP
 *                     gives no length): its end was then taken as where the framing was found again
 */
record RespMessage(long start, long length, long firstNs, long lastNs, long seq, int type, String[] args,
                   String errorDetail, String firstElement, boolean framed) {

    /** True for a {@code -} error or {@code !} blob error reply. */
    boolean isError() {
        return type == '-' || type == '!';
    }

    String arg(int index) {
        return args != null && index < args.length ? args[index] : null;
    }
}
