package io.tapwire.streams.l7.parse;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The requests of one connection waiting for their responses, oldest first. Bounded, since it lives in the parser's
 * state: a connection whose responses are not seen keeps at most {@code capacity} requests, and adding one more
 * drops the oldest. Every request taken out without its response (dropped to make room, or given up on by the
 * parser) is counted, for {@link ParserCounters#droppedRequests()}.
 *
 * <p>What a dropped request becomes is the protocol's business: {@link #add} and {@link #dropWhile} hand it back.
 *
 * @param <R> a protocol's pending request
 */
public final class PendingQueue<R> implements Iterable<R> {

    private final int capacity;
    private final ArrayDeque<R> queue = new ArrayDeque<>();
    private long dropped;

    public PendingQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Adds {@code request} as the newest; returns the oldest, dropped to make room, or null when there was room. */
    public R add(R request) {
        R oldest = null;
        if (queue.size() >= capacity) {
            oldest = queue.poll();
            dropped++;
        }
        queue.addLast(request);
        return oldest;
    }

    /** The oldest request, taken out (its response came); null when none waits. */
    public R poll() {
        return queue.poll();
    }

    public R peek() {
        return queue.peek();
    }

    public R peekLast() {
        return queue.peekLast();
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public int size() {
        return queue.size();
    }

    /** Oldest first. */
    @Override
    public Iterator<R> iterator() {
        return queue.iterator();
    }

    /** Replaces the newest request by what {@code update} makes of it (a request whose end became known). */
    public void updateLast(UnaryOperator<R> update) {
        R newest = queue.pollLast();
        if (newest != null) {
            queue.addLast(update.apply(newest));
        }
    }

    /** The oldest request {@code answered} holds for, taken out (paired by id, not by order); null when there is none. */
    public R takeFirst(Predicate<? super R> answered) {
        Iterator<R> it = queue.iterator();
        while (it.hasNext()) {
            R request = it.next();
            if (answered.test(request)) {
                it.remove();
                return request;
            }
        }
        return null;
    }

    /** Drops the oldest requests as long as {@code test} holds for them, handing each to {@code out}. */
    public void dropWhile(Predicate<? super R> test, Consumer<? super R> out) {
        while (!queue.isEmpty() && test.test(queue.peek())) {
            dropped++;
            out.accept(queue.poll());
        }
    }

    /** Drops every request {@code test} holds for, wherever it waits. */
    public void dropIf(Predicate<? super R> test) {
        Iterator<R> it = queue.iterator();
        while (it.hasNext()) {
            if (test.test(it.next())) {
                it.remove();
                dropped++;
            }
        }
    }

    /** Requests taken out without their response so far. */
    public long dropped() {
        return dropped;
    }

    public void writeState(DataOutput out, StateIO.Writer<? super R> writer) throws IOException {
        out.writeLong(dropped);
        out.writeInt(queue.size());
        for (R request : queue) {
            writer.write(out, request);
        }
    }

    /** Replaces this queue's state by one {@link #writeState} wrote; {@code protocol} names the parser in errors. */
    public void readState(DataInput in, StateIO.Reader<? extends R> reader, String protocol) throws IOException {
        long droppedSoFar = in.readLong();
        int size = in.readInt();
        if (size < 0 || size > capacity) {
            throw new IOException("corrupt " + protocol + " parser state: " + size + " pending requests");
        }
        queue.clear();
        for (int i = 0; i < size; i++) {
            queue.addLast(reader.read(in));
        }
        dropped = droppedSoFar;
    }
}
