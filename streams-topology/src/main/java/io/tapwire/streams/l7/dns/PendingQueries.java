package io.tapwire.streams.l7.dns;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * Queries of one socket waiting for their response, oldest first. A response is paired by id (and question), not by
 * order: a resolver's socket has many queries in flight and the answers come as they come. Bounded: a query still
 * unanswered when {@link #MAX_PENDING} newer ones arrived, or {@link #MAX_AGE_NS} after it was sent (resolvers give
 * up after a few seconds), is dropped and counted, so that a late response never pairs with a stale query that
 * happened to have its id.
 */
final class PendingQueries {

    static final int MAX_PENDING = 1000;
    static final long MAX_AGE_NS = 30_000_000_000L;

    /** A query waiting for its response. */
    record Query(int id, String operation, String name, int type, long startNs, long bytes, long seq) {

        boolean answeredBy(DnsMessage response) {
            return response.id() == id && (response.name() == null || name == null
                    || (response.type() == type && response.name().equals(name)));
        }
    }

    private final ArrayDeque<Query> queries = new ArrayDeque<>();
    private long expired;

    void add(Query query) {
        if (queries.size() == MAX_PENDING) {
            queries.removeFirst();
            expired++;
        }
        queries.addLast(query);
    }

    /** The oldest query {@code response} answers, taken off the list; null when none waits for it. */
    Query take(DnsMessage response) {
        Iterator<Query> it = queries.iterator();
        while (it.hasNext()) {
            Query query = it.next();
            if (query.answeredBy(response)) {
                it.remove();
                return query;
            }
        }
        return null;
    }

    /** Drops the queries sent more than {@link #MAX_AGE_NS} before {@code nowNs}. */
    void expire(long nowNs) {
        while (!queries.isEmpty() && nowNs - queries.peekFirst().startNs() > MAX_AGE_NS) {
            queries.removeFirst();
            expired++;
        }
    }

    int size() {
        return queries.size();
    }

    /** Queries dropped unanswered so far. */
    long expired() {
        return expired;
    }

    void writeState(DataOutput out) throws IOException {
        out.writeLong(expired);
        out.writeInt(queries.size());
        for (Query q : queries) {
            out.writeInt(q.id());
            StateIO.writeString(out, q.operation());
            StateIO.writeString(out, q.name());
            out.writeInt(q.type());
            out.writeLong(q.startNs());
            out.writeLong(q.bytes());
            out.writeLong(q.seq());
        }
    }

    static PendingQueries readState(DataInput in) throws IOException {
        PendingQueries pending = new PendingQueries();
        pending.expired = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > MAX_PENDING) {
            throw new IOException("corrupt DNS parser state: " + count + " pending queries");
        }
        for (int i = 0; i < count; i++) {
            pending.queries.addLast(new Query(in.readInt(), StateIO.readString(in), StateIO.readString(in),
                    in.readInt(), in.readLong(), in.readLong(), in.readLong()));
        }
        return pending;
    }
}
