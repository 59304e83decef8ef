package io.tapwire.streams.l7.memcached;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.Exchange;

/**
 * The requests of a connection waiting for their responses, oldest first: memcached answers a connection's commands
 * in order. Requests that get no response ({@code noreply}, {@code quit}) never wait here. Bounded: a connection whose
 * responses are not seen keeps at most {@link #MAX} requests, the oldest given up on (reported with status "unknown").
 */
final class PendingRequests {

    static final int MAX = 1024;

    private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
    private long silentlyAnswered;

    void add(PendingRequest request, Consumer<Exchange> out) {
        if (queue.size() >= MAX) {
            out.accept(queue.poll().unanswered(request.startNs()));
        }
        queue.addLast(request);
    }

    /**
     * The request a response starting with {@code code} answers, taken out; null when none waits. Quiet meta commands
     * ahead of it whose answer quiet mode left out are passed (the response cannot be theirs: quiet mode would have
     * left it out, or it is the MN that ends a quiet batch).
     */
    PendingRequest answeredBy(String code) {
        while (!queue.isEmpty() && queue.peek().answeredSilentlyBefore(code)) {
            queue.poll();
            silentlyAnswered++;
        }
        return queue.poll();
    }

    /** The request that started at {@code startOffset} (the newest, if it still waits) ends at {@code endOffset}. */
    void ended(long startOffset, long endOffset) {
        PendingRequest newest = queue.peekLast();
        if (newest != null && newest.startOffset() == startOffset) {
            queue.pollLast();
            queue.addLast(new PendingRequest(newest.command(), newest.key(), newest.quiet(), newest.startOffset(),
                    newest.startNs(), newest.seq(), endOffset));
        }
    }

    /** Quiet meta commands whose answer quiet mode left out: successes that are not reported as exchanges. */
    long silentlyAnswered() {
        return silentlyAnswered;
    }

    /**
     * Gives up on the requests seen no later than {@code skippedNs}: their responses may have been among the bytes the
     * parser skipped, so pairing them with the responses that follow could pair the wrong ones. Requests seen after
     * the last skipped byte cannot have been answered by it and keep waiting.
     */
    void giveUpSentBefore(long skippedNs, Consumer<Exchange> out) {
        while (!queue.isEmpty() && queue.peek().startNs() <= skippedNs) {
            out.accept(queue.poll().unanswered(skippedNs));
        }
    }

    void writeState(DataOutput out) throws IOException {
        out.writeInt(queue.size());
        for (PendingRequest request : queue) {
            request.writeTo(out);
        }
        out.writeLong(silentlyAnswered);
    }

    void readState(DataInput in) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > MAX) {
            throw new IOException("corrupt memcached parser state: " + size + " pending requests");
        }
        queue.clear();
        for (int i = 0; i < size; i++) {
            queue.addLast(PendingRequest.readFrom(in));
        }
        silentlyAnswered = in.readLong();
    }
}
