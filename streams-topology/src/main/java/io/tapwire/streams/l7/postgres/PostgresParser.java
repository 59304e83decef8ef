package io.tapwire.streams.l7.postgres;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.tapwire.streams.l7.parse.DirectionStream;
import io.tapwire.streams.l7.parse.Exchange;
import io.tapwire.streams.l7.parse.ParserCounters;
import io.tapwire.streams.l7.parse.ProtocolParser;
import io.tapwire.streams.l7.parse.Segment;

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
    private static final int STATE_VERSION = 1;

    private final DirectionStream client;
    private final DirectionStream server;
    private final PostgresStartup startup;
    private final StatementTexts statements;
    private final StatementTexts portals;
    private final ArrayDeque<PendingRequest> pending;
    private final PostgresFramer frontend = PostgresFramer.frontend();
    private final PostgresFramer backend = PostgresFramer.backend();

    /** The client's or the server's boundaries are lost and not found again yet (one resync is counted per loss). */
    private boolean clientLost;
    private boolean serverLost;
    /** Inside a response that had no request: it is counted once, at its first message. */
    private boolean inUnpairedResponse;
    private long unpairedResponses;
    private long resyncs;
    private long passedOver;
    private long droppedRequests;

    PostgresParser() {
        this(new DirectionStream(), new DirectionStream(), new PostgresStartup(), new StatementTexts(),
                new StatementTexts(), new ArrayDeque<>());
    }

    private PostgresParser(DirectionStream client, DirectionStream server, PostgresStartup startup,
                           StatementTexts statements, StatementTexts portals, ArrayDeque<PendingRequest> pending) {
        this.client = client;
        this.server = server;
        this.startup = startup;
        this.statements = statements;
        this.portals = portals;
        this.pending = pending;
    }

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        (segment.fromClient() ? client : server).append(segment);
        readFrontend();
        readBackend(out);
    }

    @Override
    public ParserCounters counters() {
        return new ParserCounters(unpairedResponses, resyncs,
                client.skippedBytes() + server.skippedBytes() + passedOver);
    }

    /** Requests dropped unanswered because more than {@link #MAX_PENDING} were waiting. */
    public long droppedRequests() {
        return droppedRequests;
    }

    /** True once the connection switched to TLS or GSSAPI encryption: its bytes are skipped from there on. */
    public boolean encrypted() {
        return startup.encrypted();
    }

    private void readFrontend() {
        while (!startup.encrypted()) {
            if (client.position() == 0 && client.atUncaptured()) {
                startup.joinedMidConnection();
                clientLost = true;
            }
            if (startup.openingExpected()) {
                if (!startup.readOpening(client)) {
                    return;
                }
                continue;
            }
            boolean progressed = switch (frontend.read(client)) {
                case WAIT -> false;
                case LOST -> resync(client, frontend, true);
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
                serverLost = true;
            }
            if (startup.answerDue()) {
                if (!startup.readAnswer(server)) {
                    return;
                }
                continue;
            }
            boolean progressed = switch (backend.read(server)) {
                case WAIT -> false;
                case LOST -> resync(server, backend, false);
                case MESSAGE -> backendMessage(out);
            };
            if (!progressed) {
                return;
            }
        }
        server.skipAll();
        client.skipAll();
    }

    private boolean resync(DirectionStream stream, PostgresFramer framer, boolean clientSide) {
        if (clientSide ? !clientLost : !serverLost) {
            resyncs++;
        }
        if (clientSide) {
            clientLost = true;
        } else {
            serverLost = true;
        }
        boolean found = framer.resync(stream);
        passedOver += framer.passedOver();
        return found;
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
        int readable = PostgresFramer.readable(client, Math.min(size, PostgresFramer.HEADER + wanted));
        if (readable < 0) {
            return false;
        }
        byte[] body = wanted == 0 ? NO_BYTES : client.bytes(PostgresFramer.HEADER, readable - PostgresFramer.HEADER);
        long startNs = client.timeAt(0);
        long seq = client.seqAt(0);
        long from = client.position();
        long to = from + size;
        clientLost = false;
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

    private void enqueue(PendingRequest request) {
        if (pending.size() >= MAX_PENDING) {
            pending.removeFirst();
            droppedRequests++;
        }
        pending.addLast(request);
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
        int readable = PostgresFramer.readable(server, wanted);
        if (readable < 0) {
            return false;
        }
        serverLost = false;
        PendingRequest head = pending.peekFirst();
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
                pending.removeFirst();
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
        statements.writeState(out);
        portals.writeState(out);
        out.writeInt(pending.size());
        for (PendingRequest request : pending) {
            request.writeState(out);
        }
        out.writeBoolean(clientLost);
        out.writeBoolean(serverLost);
        out.writeBoolean(inUnpairedResponse);
        out.writeLong(unpairedResponses);
        out.writeLong(resyncs);
        out.writeLong(passedOver);
        out.writeLong(droppedRequests);
    }

    static PostgresParser readState(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != STATE_VERSION) {
            throw new IOException("not a postgres parser state of version " + STATE_VERSION + ": " + version);
        }
        DirectionStream client = DirectionStream.readState(in);
        DirectionStream server = DirectionStream.readState(in);
        PostgresStartup startup = PostgresStartup.readState(in);
        StatementTexts statements = StatementTexts.readState(in);
        StatementTexts portals = StatementTexts.readState(in);
        int count = in.readInt();
        if (count < 0 || count > MAX_PENDING) {
            throw new IOException("corrupt postgres parser state: " + count + " pending requests");
        }
        ArrayDeque<PendingRequest> pending = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            pending.addLast(PendingRequest.readState(in));
        }
        PostgresParser parser = new PostgresParser(client, server, startup, statements, portals, pending);
        parser.clientLost = in.readBoolean();
        parser.serverLost = in.readBoolean();
        parser.inUnpairedResponse = in.readBoolean();
        parser.unpairedResponses = in.readLong();
        parser.resyncs = in.readLong();
        parser.passedOver = in.readLong();
        parser.droppedRequests = in.readLong();
        return parser;
    }
}
