package io.tapwire.streams.l7.dns;

/**
 * One DNS message as it was on the wire: a UDP datagram, or a length-prefixed message of a TCP stream.
 *
 * @param message what could be read of it; null when not even its header was captured
 * @param bytes   its size on the wire (with the TCP length prefix)
 * @param firstNs when its first byte was seen
 * @param lastNs  when its last byte was seen
 * @param seq     TCP sequence number of its first byte; -1 for UDP or when unknown
 */
record FramedMessage(DnsMessage message, long bytes, long firstNs, long lastNs, long seq) {
}
