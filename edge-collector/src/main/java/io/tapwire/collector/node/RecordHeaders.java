package io.tapwire.collector.node;

import io.tapwire.schemas.raw.RawHeader;

/**
 * Stamps raw records: the node's identity, the next sequence number, the kernel time and its epoch conversion.
 * Thread-safe.
 */
public final class RecordHeaders {

    private final NodeIdentity identity;
    private final SequenceNumbers sequence;
    private final ClockOffset clock;

    public RecordHeaders(NodeIdentity identity, SequenceNumbers sequence, ClockOffset clock) {
        this.identity = identity;
        this.sequence = sequence;
        this.clock = clock;
    }

    public NodeIdentity identity() {
        return identity;
    }

    public ClockOffset clock() {
        return clock;
    }

    /**
     * A header for an event the kernel stamped at {@code kernelTimeNs} (CLOCK_MONOTONIC). Built with the
     * all-fields constructor: Avro's builders validate and deep-copy, several times the cost on this hot path.
     */
    public RawHeader event(long kernelTimeNs) {
        return new RawHeader(identity.cluster(), identity.node(), identity.bootId(), sequence.next(), kernelTimeNs,
                clock.toEpochNs(kernelTimeNs), false);
    }

    /** A header for a record made now in user space (a snapshot part). */
    public RawHeader now() {
        return event(System.nanoTime());
    }

    /** A heartbeat's header: stamped now, flagged so the topology counts nothing for it. */
    public RawHeader heartbeat() {
        RawHeader header = now();
        header.setHeartbeat(true);
        return header;
    }
}
