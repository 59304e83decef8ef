package io.tapwire.streams.l7.postgres;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.HeaderResynchroniser;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.PendingQueue;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;
import io.tapwire.streams.l7.parse.StateIO;
import io.tapwire.streams.l7.sql.StatementTexts;

/**
 * PostgreSQL (frontend/backend protocol 3.x) on one socket. A request is what the server answers with one
 * ReadyForQuery 'Z': a simple Query 'Q' (one exchange even when it holds several statements), a FunctionCall, or an
 * extended-protocol batch of Parse/Bind/Describe/Execute/Close up to its Sync. Requests are paired with responses in
 * order (a pipelining client has several Syncs in flight). An ErrorResponse 'E' makes the exchange failed, with
 * "SQLSTATE message" as its detail.
 *
 * <p>The operation is the statement's first keyword and the resource its text, verbatim. An Execute runs the text of
 * the statement its portal was bound to: named statements and portals are remembered per connection ({@link
 * StatementTexts}), so that a statement prepared once and executed many times (pgbench -M prepared, JDBC after five
 * executions) is named by its text; a batch that only prepares is a PREPARE.
 *
 * <p>NoticeResponse 'N' and ParameterStatus 'S' with no request outstanding, and every NotificationResponse 'A', come
 * from the server on its own: they are no responses. Copy data in either direction is skipped by length.
 */
public final class PostgresParser implements ProtocolParser {

    /** Requests kept waiting for their response; past this the oldest is dropped. */
    static final int MAX_PENDING = 1024;
    /** The collector ships a Query or Parse whole up to 16 KiB: that much text is read, plus a statement name. */
    private static final int STATEMENT_BYTES = 16 * 1024 + 128;
    /** Bind, Execute and Close carry names (at most 63 bytes each in PostgreSQL) before anything else. */
    private static final int NAME_BYTES = 256;
    private static final int ERROR_BYTES = 2048;
    private static final byte[] NO_BYTES = {};
    private static final int STATE_VERSION = 2;

    private final DirectionStream client;
    private final DirectionStream server;
    private final PostgresStartup startup;
    private final StatementTexts<String> statements;
    private final StatementTexts<String> portals;
    private final PendingQueue<PendingRequest> pending = new PendingQueue<>(MAX_PENDING);
    private final PostgresFramer frontend = PostgresFramer.frontend();
    private final PostgresFramer backend = PostgresFramer.backend();
    /** Looking for a message start, the last captured bytes that may begin a header are kept for the next segment. */
    private final HeaderResynchroniser clientResync = new HeaderResynchroniser(PostgresFramer.HEADER - 1);
    private final HeaderResynchroniser serverResync = new HeaderResynchroniser(PostgresFramer.HEADER - 1);

    /** Inside a response that had no request: it is counted once, at its first message. */
    private boolean inUnpairedResponse;
    private long unpairedResponses;

    PostgresParser() {
        this(new DirectionStream(), new DirectionStream(), new PostgresStartup(), new StatementTexts<>(),
                new StatementTexts<>());
    }

    private PostgresParser(DirectionStream client, DirectionStream server, PostgresStartup startup,
                           StatementTexts<String> statements, StatementTexts<String> portals) {
        this.client = client;
        this.server = server;
        this.startup = startup;
        this.statements = statements;
        this.portals = portals;
    }

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        (segment.fromClient() ? client : server).append(segment);
        readFrontend();
        readBackend(out);
    }

    @Override
    public ParserCounters counters() {
        return new ParserCounters(unpairedResponses, clientResync.resyncs() + serverResync.resyncs(),
                client.skippedBytes() + server.skippedBytes() + clientResync.passedOver() + serverResync.passedOver(),
                pending.dropped());
    }

    /** True once the connection switched to TLS or GSSAPI encryption: its bytes are skipped from there on. */
    public boolean encrypted() {
        return startup.encrypted();
    }

    private void readFrontend() {
        while (!startup.encrypted()) {
            if (client.position() == 0 && client.atUncaptured()) {
                startup.joinedMidConnection();
                clientResync.unknownFromStart();
            }
            if (startup.openingExpected()) {
                if (!startup.readOpening(client)) {
                    return;
                }
                continue;
            }
            boolean progressed = switch (frontend.read(client)) {
                case WAIT -> false;
                case LOST -> clientResync.find(client, frontend::startsChain);
                case MESSAGE -> frontendMessage();
            };
            if (!progressed) {
                return;
            }
        }
        client.skipAll();
    }

    private void readBackend(Consumer<Exchange> out) {
        while (!startup.encrypted()) {
            if (server.position() == 0 && server.atUncaptured()) {
                startup.joinedMidConnection();
                serverResync.unknownFromStart();
            }
            if (startup.answerDue()) {
                if (!startup.readAnswer(server)) {
                    return;
                }
                continue;
            }
            boolean progressed = switch (backend.read(server)) {
                case WAIT -> false;
                case LOST -> serverResync.find(server, backend::startsChain);
                case MESSAGE -> backendMessage(out);
            };
            if (!progressed) {
                return;
            }
        }
        server.skipAll();
        client.skipAll();
    }

    /** Handles the frontend message at the client's position; false to wait for more of its bytes. */
    private boolean frontendMessage() {
        int type = frontend.type();
        long size = frontend.size();
        int wanted = switch (type) {
            case 'Q', 'P' -> STATEMENT_BYTES;
            case 'B', 'E', 'C' -> NAME_BYTES;
            default -> 0;
        };
        int readable = client.readable(Math.min(size, PostgresFramer.HEADER + wanted));
        if (readable < 0) {
            return false;
        }
        byte[] body = wanted == 0 ? NO_BYTES : client.bytes(PostgresFramer.HEADER, readable - PostgresFramer.HEADER);
        long startNs = client.timeAt(0);
        long seq = client.seqAt(0);
        long from = client.position();
        long to = from + size;
        clientResync.framed();
        if (type != 'p') {
            // Only an authenticated client sends anything but password messages.
            startup.authenticated();
        }
        switch (type) {
            case 'Q' -> enqueue(PendingRequest.query(PostgresMessages.queryText(body), startNs, seq, from, to));
            case 'F' -> enqueue(PendingRequest.functionCall(startNs, seq, from, to));
            case 'P' -> {
                String text = PostgresMessages.parseText(body);
                statements.put(PostgresMessages.parseName(body), text);
                batch(startNs, seq, from, to).parsed(text);
            }
            case 'B' -> {
                String portal = PostgresMessages.bindPortal(body);
                String text = statements.get(PostgresMessages.bindStatement(body));
                if (text == null) {
                    portals.remove(portal);
                } else {
                    portals.put(portal, text);
                }
                batch(startNs, seq, from, to);
            }
            case 'E' -> batch(startNs, seq, from, to).executed(portals.get(PostgresMessages.executePortal(body)));
            case 'C' -> {
                String name = PostgresMessages.closeName(body);
                if (PostgresMessages.closeKind(body) == 'S') {
                    statements.remove(name);
                } else {
                    portals.remove(name);
                }
                batch(startNs, seq, from, to).closed();
            }
            case 'D' -> batch(startNs, seq, from, to);
            case 'S' -> batch(startNs, seq, from, to).synced();
            case 'H' -> {
                // Flush asks for the responses so far without ending the batch; alone it asks for nothing.
                PendingRequest latest = pending.peekLast();
                if (latest != null && latest.open()) {
                    latest.extendTo(to);
                }
            }
            case 'd', 'c', 'f' -> {
                // COPY data sent after a Query's CopyInResponse: part of that request.
                PendingRequest latest = pending.peekLast();
                if (latest != null) {
                    latest.extendTo(to);
                }
            }
            default -> {
                // Terminate 'X' has no response; password messages 'p' belong to the set-up.
            }
        }
        client.consume(size);
        return true;
    }

    /** The open extended-protocol batch, begun by this message (at {@code [from, to)}) if there is none. */
    private PendingRequest batch(long startNs, long seq, long from, long to) {
        PendingRequest latest = pending.peekLast();
        if (latest == null || !latest.open()) {
            latest = PendingRequest.batch(startNs, seq, from);
            enqueue(latest);
        }
        latest.extendTo(to);
        return latest;
    }

    /** Queues a request; past {@link #MAX_PENDING} waiting, the oldest is dropped unanswered. */
    private void enqueue(PendingRequest request) {
        pending.add(request);
        inUnpairedResponse = false;
    }

    /** Handles the backend message at the server's position; false to wait for more of its bytes. */
    private boolean backendMessage(Consumer<Exchange> out) {
        int type = backend.type();
        long size = backend.size();
        long wanted = switch (type) {
            case 'E' -> Math.min(size, PostgresFramer.HEADER + ERROR_BYTES);
            // Wholly, for the time of its last byte: the response's end.
            case 'Z' -> size;
            default -> PostgresFramer.HEADER;
        };
        int readable = server.readable(wanted);
        if (readable < 0) {
            return false;
        }
        serverResync.framed();
        PendingRequest head = pending.peek();
        if (!startup.ready()) {
            if (type == 'Z') {
                startup.authenticated();
            }
        } else if (type == 'A' || head == null && (type == 'N' || type == 'S')) {
            // Sent by the server on its own: a notification, or a notice or parameter change between requests.
        } else if (head == null) {
            if (!inUnpairedResponse) {
                unpairedResponses++;
            }
            inUnpairedResponse = type != 'Z';
        } else {
            head.responseMessage(server.timeAt(0), server.seqAt(0), server.position(), server.position() + size);
            if (type == 'E') {
                head.failed(PostgresMessages.errorDetail(
                        server.bytes(PostgresFramer.HEADER, readable - PostgresFramer.HEADER)));
            } else if (type == 'Z') {
                long lastNs = server.timeAt(size - 1);
                pending.poll();
                out.accept(head.complete(lastNs));
            }
        }
        server.consume(size);
        return true;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeByte(STATE_VERSION);
        client.writeState(out);
        server.writeState(out);
        startup.writeState(out);
        statements.writeState(out, StateIO::writeString);
        portals.writeState(out, StateIO::writeString);
        pending.writeState(out, (o, request) -> request.writeState(o));
        clientResync.writeState(out);
        serverResync.writeState(out);
        out.writeBoolean(inUnpairedResponse);
        out.writeLong(unpairedResponses);
    }

    static PostgresParser readState(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != STATE_VERSION) {
            throw new IOException("not a postgres parser state of version " + STATE_VERSION + ": " + version);
        }
        PostgresParser parser = new PostgresParser(DirectionStream.readState(in), DirectionStream.readState(in),
                PostgresStartup.readState(in), StatementTexts.readState(in, StateIO::readString, "postgres"),
                StatementTexts.readState(in, StateIO::readString, "postgres"));
        parser.pending.readState(in, PendingRequest::readState, "postgres");
        parser.clientResync.readState(in);
        parser.serverResync.readState(in);
        parser.inUnpairedResponse = in.readBoolean();
        parser.unpairedResponses = in.readLong();
        return parser;
    }
}
