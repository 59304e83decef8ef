package io.tapwire.streams.l7.dns;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.PendingQueue;
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

        void writeTo(DataOutput out) throws IOException {
            out.writeInt(id);
            StateIO.writeString(out, operation);
            StateIO.writeString(out, name);
            out.writeInt(type);
            out.writeLong(startNs);
            out.writeLong(bytes);
            out.writeLong(seq);
        }

        static Query readFrom(DataInput in) throws IOException {
            return new Query(in.readInt(), StateIO.readString(in), StateIO.readString(in), in.readInt(), in.readLong(),
                    in.readLong(), in.readLong());
        }
    }

    private final PendingQueue<Query> queries = new PendingQueue<>(MAX_PENDING);

    void add(Query query) {
        queries.add(query);
    }

    /** The oldest query {@code response} answers, taken off the list; null when none waits for it. */
    Query take(DnsMessage response) {
        return queries.takeFirst(query -> query.answeredBy(response));
    }

    /** Drops the queries sent more than {@link #MAX_AGE_NS} before {@code nowNs}. */
    void expire(long nowNs) {
        queries.dropWhile(query -> nowNs - query.startNs() > MAX_AGE_NS, query -> { });
    }

    int size() {
        return queries.size();
    }

    /** Queries dropped unanswered so far: too old, or too many newer ones waiting. */
    long expired() {
        return queries.dropped();
    }

    void writeState(DataOutput out) throws IOException {
        queries.writeState(out, (o, query) -> query.writeTo(o));
    }

    static PendingQueries readState(DataInput in) throws IOException {
        PendingQueries pending = new PendingQueries();
        pending.queries.readState(in, Query::readFrom, "DNS");
        return pending;
    }
}
