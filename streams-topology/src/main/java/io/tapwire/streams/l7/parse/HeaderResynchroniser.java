package io.tapwire.streams.l7.parse;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Finds the message boundaries of one direction of a binary protocol whose messages carry their length (PostgreSQL,
 * MySQL) again after they were lost: passes over what was not captured, then scans the captured bytes for the first
 * place the protocol's {@link Candidate} accepts — a header from which valid headers chain on. Counts one resync per
 * loss, however many segments it takes to find the boundaries again, and the captured bytes it passed over.
 */
public final class HeaderResynchroniser {

    /** Whether a message plausibly starts at {@code from} bytes ahead, given the {@code known} captured bytes ahead. */
    @FunctionalInterface
    public interface Candidate {
        boolean startsAt(DirectionStream stream, long from, int known);
    }

    private final int keep;
    private boolean lost;
    private long resyncs;
    private long passedOver;

    /**
     * @param keep captured bytes kept when none starts a message and the captured bytes end where the stream does:
     *             they may begin a header whose rest is still to come
     */
    public HeaderResynchroniser(int keep) {
        this.keep = keep;
    }

    /** True from a loss until the parser framed a message again. */
    public boolean lost() {
        return lost;
    }

    /** The boundaries are unknown from the start (the capture joined the connection late): no resync is counted. */
    public void unknownFromStart() {
        lost = true;
    }

    /** The parser framed a message: the boundaries are known. */
    public void framed() {
        lost = false;
    }

    public long resyncs() {
        return resyncs;
    }

    /** Captured bytes passed over while looking for a message start. */
    public long passedOver() {
        return passedOver;
    }

    /**
     * The boundaries are lost at the stream's position: looks for the next plausible message start. Returns true when
     * the stream stands at one; false when it needs more bytes.
     */
    public boolean find(DirectionStream stream, Candidate candidate) {
        if (!lost) {
            resyncs++;
            lost = true;
        }
        while (true) {
            stream.skipUncaptured();
            int known = stream.knownAhead();
            if (known == 0) {
                return false;
            }
            boolean uncapturedFollows = stream.position() + known < stream.end();
            for (int i = 0; i < known; i++) {
                if (candidate.startsAt(stream, i, known)) {
                    stream.consume(i);
                    passedOver += i;
                    return true;
                }
            }
            int kept = uncapturedFollows ? 0 : Math.min(known, keep);
            stream.consume(known - kept);
            passedOver += known - kept;
            if (!uncapturedFollows) {
                return false;
            }
        }
    }

    public void writeState(DataOutput out) throws IOException {
        out.writeBoolean(lost);
        out.writeLong(resyncs);
        out.writeLong(passedOver);
    }

    public void readState(DataInput in) throws IOException {
        lost = in.readBoolean();
        resyncs = in.readLong();
        passedOver = in.readLong();
    }
}
