package io.tapwire.streams.l7.redis;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.PendingQueue;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;

/**
 * Pairs the requests and replies of one Redis connection (RESP2 and RESP3) in order: Redis answers every command of
 * a connection in the order it received them, so pipelined commands pair FIFO. There is no set-up to consume: AUTH
 * and HELLO are ordinary commands.
 *
 * <p>Not every reply answers a command. RESP3 push messages ({@code >}: pub/sub messages, client-side caching
 * invalidations) are skipped, except a subscribe-family confirmation that answers the (un)subscribe command waiting
 * for it. In RESP2, once the connection subscribed, arrays starting with "message", "pmessage" or "smessage" are
 * published messages, and a confirmation that no command waits for (a SUBSCRIBE of several channels confirms each)
 * is skipped. After MONITOR's reply the connection only streams what the server runs: the parser stops.
 */
public final class RedisParser implements ProtocolParser {

    /** Requests kept waiting for their reply; beyond that the oldest is dropped (and counted). */
    public static final int MAX_PENDING = 1024;

    private static final int STATE_VERSION = 2;
    private static final Set<String> PUBLISHED = Set.of("message", "pmessage", "smessage");
    private static final Set<String> CONFIRMATIONS = Set.of("subscribe", "psubscribe", "ssubscribe", "unsubscribe",
            "punsubscribe", "sunsubscribe");

    private final DirectionStream requestStream;
    private final DirectionStream replyStream;
    private final RespFramer requestFramer;
    private final RespFramer replyFramer;
    private final PendingQueue<RedisRequest> pending = new PendingQueue<>(MAX_PENDING);
    private boolean subscribed;
    private boolean monitoring;
    /** Whether the other direction had a segment since each direction's previous one (see RespFramer#advance). */
    private boolean serverSpokeSinceRequests = true;
    private boolean clientSpokeSinceReplies = true;
    private long unpairedResponses;

    RedisParser() {
        this(new DirectionStream(), new DirectionStream(), RespFramer.requests(), RespFramer.replies());
    }

    private RedisParser(DirectionStream requestStream, DirectionStream replyStream, RespFramer requestFramer,
                        RespFramer replyFramer) {
        this.requestStream = requestStream;
        this.replyStream = replyStream;
        this.requestFramer = requestFramer;
        this.replyFramer = replyFramer;
    }

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        if (segment.fromClient()) {
            requestStream.append(segment);
            if (!monitoring) {
                requestFramer.advance(requestStream, segment, serverSpokeSinceRequests, this::onRequest);
            }
            serverSpokeSinceRequests = false;
            clientSpokeSinceReplies = true;
        } else {
            replyStream.append(segment);
            if (!monitoring) {
                replyFramer.advance(replyStream, segment, clientSpokeSinceReplies, reply -> onReply(reply, out));
            }
            clientSpokeSinceReplies = false;
            serverSpokeSinceRequests = true;
        }
        if (monitoring) {
            requestStream.skipAll();
            replyStream.skipAll();
        }
    }

    private void onRequest(RespMessage message) {
        if (monitoring) {
            return;
        }
        pending.add(RedisRequest.of(message));
    }

    private void onReply(RespMessage reply, Consumer<Exchange> out) {
        if (monitoring || !answersACommand(reply)) {
            return;
        }
        RedisRequest request = pending.poll();
        if (request == null) {
            unpairedResponses++;
            return;
        }
        if (!reply.framed()) {
            dropAnsweredUnseen(reply.lastNs());
        }
        String status = reply.type() < 0 ? "unknown" : reply.isError() ? "failed" : "ok";
        out.accept(new Exchange(request.operation(), request.resource(), status, reply.isError(),
                reply.errorDetail(), request.startNs(), reply.firstNs(), reply.lastNs(), request.bytes(),
                reply.length(), request.seq(), reply.seq(), List.of()));
        if (!reply.isError()) {
            if (RedisCommand.isSubscribe(request.operation())) {
                subscribed = true;
            } else if ("RESET".equals(request.operation())) {
                subscribed = false;
            } else if ("MONITOR".equals(request.operation())) {
                monitoring = true;
            }
        }
    }

    /** False for push messages and pub/sub traffic (see the class comment). */
    private boolean answersACommand(RespMessage reply) {
        String first = reply.firstElement();
        boolean confirmation = first != null && CONFIRMATIONS.contains(first);
        boolean awaited = confirmation && !pending.isEmpty()
                && first.equalsIgnoreCase(pending.peek().operation());
        if (reply.type() == '>') {
            return awaited;
        }
        if (reply.type() == '*' && subscribed) {
            return !(first != null && PUBLISHED.contains(first)) && (!confirmation || awaited);
        }
        return true;
    }

    /**
     * A reply whose framing was lost ends where the next one was found; replies to requests sent before its last
     * byte was seen were most likely inside the stretch not read (a pipelined batch): they are dropped, not paired
     * with later replies.
     */
    private void dropAnsweredUnseen(long lostUntilNs) {
        pending.dropIf(request -> request.startNs() < lostUntilNs);
    }

    @Override
    public ParserCounters counters() {
        return new ParserCounters(unpairedResponses, requestFramer.resyncs() + replyFramer.resyncs(),
                requestStream.skippedBytes() + replyStream.skippedBytes(), pending.dropped());
    }

    /** Requests waiting for their reply. */
    int pendingRequests() {
        return pending.size();
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeInt(STATE_VERSION);
        requestStream.writeState(out);
        replyStream.writeState(out);
        requestFramer.writeState(out);
        replyFramer.writeState(out);
        pending.writeState(out, (o, request) -> request.write(o));
        out.writeBoolean(subscribed);
        out.writeBoolean(monitoring);
        out.writeBoolean(serverSpokeSinceRequests);
        out.writeBoolean(clientSpokeSinceReplies);
        out.writeLong(unpairedResponses);
    }

    static RedisParser readState(DataInput in) throws IOException {
        int version = in.readInt();
        if (version != STATE_VERSION) {
            throw new IOException("not a Redis parser state (version " + version + ", expected " + STATE_VERSION + ")");
        }
        RedisParser parser = new RedisParser(DirectionStream.readState(in), DirectionStream.readState(in),
                RespFramer.readState(in, true), RespFramer.readState(in, false));
        parser.pending.readState(in, RedisRequest::read, "Redis");
        parser.subscribed = in.readBoolean();
        parser.monitoring = in.readBoolean();
        parser.serverSpokeSinceRequests = in.readBoolean();
        parser.clientSpokeSinceReplies = in.readBoolean();
        parser.unpairedResponses = in.readLong();
        return parser;
    }
}
