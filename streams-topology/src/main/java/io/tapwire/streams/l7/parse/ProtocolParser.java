package io.tapwire.streams.l7.parse;

import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Frames and pairs one protocol on one side of one connection: fed every segment of that socket in order (both
 * directions interleaved as the syscalls happened), it hands over each request/response exchange once it is
 * complete. One instance per observed socket; its whole state can be written and restored, since the topology keeps
 * it in a state store between records (and across restarts).
 *
 * <p>Rules every parser keeps (PROTOCOLS.md): the connection's set-up (handshakes, authentication) is consumed before
 * requests are paired; a response with no outstanding request is discarded and counted, never paired with the next
 * request; pipelined requests are paired in order (FIFO) or by their correlation id; bytes the capture did not see
 * are skipped by length where the protocol allows, else the parser resynchronises at the next recognisable message
 * and counts it. A parser never throws on odd input: garbage makes it resynchronise.
 */
public interface ProtocolParser {

    /** Consumes one segment; hands every exchange it completes to {@code out}, in the order they complete. */
    void accept(Segment segment, Consumer<Exchange> out);

    /** What could not be paired or framed so far. */
    ParserCounters counters();

    /** Writes the whole state, for {@link ProtocolParserFactory#restore}. */
    void writeState(DataOutput out) throws IOException;
}
