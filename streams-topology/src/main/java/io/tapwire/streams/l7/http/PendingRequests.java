package io.tapwire.streams.l7.http;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.Exchange;

/**
 * The requests of a connection waiting for their responses, oldest first: HTTP/1.1 answers in order (RFC 9112 §9.3.2),
 * so the next final response is the oldest one's. Bounded: a connection whose responses are not seen keeps at most
 * {@link #MAX} requests, the oldest given up on (reported with status "unknown").
 */
final class PendingRequests {

    static final int MAX = 1024;

    private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();

    void add(PendingRequest request, long requestPosition, Consumer<Exchange> out) {
        if (queue.size() >= MAX) {
            PendingRequest oldest = queue.poll();
            out.accept(oldest.unanswered(request.startNs(), requestPosition));
        }
        queue.addLast(request);
    }

    /** The oldest request, taken out; null when none waits. */
    PendingRequest poll() {
        return queue.poll();
    }

    PendingRequest peek() {
        return queue.peek();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The request that started at {@code startOffset} (the newest, if it still waits) ends at {@code endOffset}. */
    void ended(long startOffset, long endOffset) {
        PendingRequest newest = queue.peekLast();
        if (newest != null && newest.startOffset() == startOffset) {
            queue.pollLast();
            queue.addLast(newest.withEnd(endOffset));
        }
    }

    /**
     * Gives up on the requests seen no later than {@code skippedNs}: their responses may have been among the bytes the
     * parser skipped, so pairing them with the responses that follow could pair the wrong ones. Requests seen after
     * the last skipped byte cannot have been answered by it and keep waiting.
     */
    void giveUpSentBefore(long skippedNs, long requestPosition, Consumer<Exchange> out) {
        while (!queue.isEmpty() && queue.peek().startNs() <= skippedNs) {
            out.accept(queue.poll().unanswered(skippedNs, requestPosition));
        }
    }

    void writeState(DataOutput out) throws IOException {
        out.writeInt(queue.size());
        for (PendingRequest request : queue) {
            request.writeTo(out);
        }
    }

    void readState(DataInput in) throws IOException {
        int size = in.readInt();
        if (size < 0 || size > MAX) {
            throw new IOException("corrupt HTTP parser state: " + size + " pending requests");
        }
        queue.clear();
        for (int i = 0; i < size; i++) {
            queue.addLast(PendingRequest.readFrom(in));
        }
    }
}
