package io.tapwire.streams.l7.parse;

/**
 * One read or write on a connection, as the protocol parsers see it: the bytes of one payload record of one socket
 * (the observed side). Heads and tails come from the capture (tapwire.raw.l7.v1): of the {@code count} bytes the call
 * moved, {@code head} is the first ones and {@code tail} the last ones; what lies between was not captured.
 *
 * @param fromClient  true when the bytes travel from the client to the server (requests), whichever side observed them
 * @param offset      stream offset of the first byte in its direction: bytes that went this way before it
 * @param count       bytes the call moved
 * @param head        the first bytes ({@code head.length <= count})
 * @param tail        the last bytes, covering {@code [count - tail.length, count)}; empty when the head has them all
 * @param visible     false for sendfile/splice: no byte was seen, only the count
 * @param firstByteNs when the first byte left (a write's start) or arrived (a read's end), epoch nanoseconds
 * @param lastByteNs  when the last byte left (a write's end) or arrived (a read's end), epoch nanoseconds
 * @param tcpSeq      TCP sequence number of the first byte (unsigned 32 bits), or -1 when not known
 */
public record Segment(boolean fromClient, long offset, long count, byte[] head, byte[] tail, boolean visible,
                      long firstByteNs, long lastByteNs, long tcpSeq) {

    public Segment {
        if (count < 0 || head.length > count || tail.length > count - head.length) {
            throw new IllegalArgumentException("a segment of " + count + " bytes cannot have a head of " + head.length
                    + " and a tail of " + tail.length);
        }
    }

    /** Stream offset one past the last byte. */
    public long end() {
        return offset + count;
    }
}
