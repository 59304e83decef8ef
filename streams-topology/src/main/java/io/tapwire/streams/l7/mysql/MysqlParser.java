package io.tapwire.streams.l7.mysql;

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
import io.tapwire.streams.l7.sql.SqlKeyword;
import io.tapwire.streams.l7.sql.StatementTexts;

/**
 * MySQL and MariaDB (client/server protocol 4.1) on one socket. After the connection phase ({@link MysqlHandshake}),
 * each command the client opens at sequence 0 is one exchange, paired in order with the server's responses, whose
 * ends {@link MysqlResponse} finds. STMT_CLOSE, STMT_SEND_LONG_DATA and QUIT have no response. An ERR packet makes
 * the exchange failed, with "code (SQLSTATE) message" as its detail.
 *
 * <p>The operation of COM_QUERY and of an executed prepared statement is the statement's first keyword, the resource
 * its text; a STMT_PREPARE is a PREPARE of its text; other commands are named by their command (PING, INIT_DB…). The
 * server's STMT_PREPARE OK gives the statement its id, by which later STMT_EXECUTEs name it; MariaDB's id
 * 0xFFFFFFFF names the statement prepared last (clients that send PREPARE and EXECUTE in one go).
 */
public final class MysqlParser implements ProtocolParser {

    /** Commands kept waiting for their response; past this the oldest is dropped. */
    static final int MAX_PENDING = 1024;
    /** The collector ships a COM_QUERY or STMT_PREPARE whole up to 16 KiB: that much text is read. */
    private static final int STATEMENT_BYTES = 16 * 1024 + 16;
    /** Server packets up to this size are read whole (OK, ERR, EOF, greetings); of longer ones only the first bytes. */
    private static final int SMALL_PACKET = 512;
    private static final int PACKET_PREFIX = 16;
    /** The handshake response's fixed part: capability flags, max packet size, charset, filler. */
    private static final int HANDSHAKE_FIXED = 32;
    private static final long LAST_PREPARED = 0xFFFFFFFFL;
    private static final int STATE_VERSION = 2;

    private final DirectionStream client;
    private final DirectionStream server;
    private final MysqlHandshake handshake;
    /** The text of each prepared statement by the id the server gave it in its STMT_PREPARE OK. */
    private final StatementTexts<Long> statements;
    private final PendingQueue<PendingCommand> pending = new PendingQueue<>(MAX_PENDING);
    private final MysqlFramer clientFramer = MysqlFramer.client();
    private final MysqlFramer serverFramer = MysqlFramer.server();
    private final MysqlPacket packet = new MysqlPacket();
    /** Looking for a packet start, the last captured bytes that may begin a header are kept for the next segment. */
    private final HeaderResynchroniser clientResync = new HeaderResynchroniser(MysqlPacket.HEADER);
    private final HeaderResynchroniser serverResync = new HeaderResynchroniser(MysqlPacket.HEADER);

    /** The text of the last STMT_PREPARE the client sent, for MariaDB's "last prepared" statement id. */
    private String lastPreparedText;
    /** The client's last packet was 2^24 - 1 bytes long: the next continues its payload. */
    private boolean clientContinues;
    /** Inside a response that had no command: counted once. */
    private boolean inUnpairedResponse;
    private long unpairedResponses;

    MysqlParser() {
        this(new DirectionStream(), new DirectionStream(), new MysqlHandshake(), new StatementTexts<>());
    }

    private MysqlParser(DirectionStream client, DirectionStream server, MysqlHandshake handshake,
                        StatementTexts<Long> statements) {
        this.client = client;
        this.server = server;
        this.handshake = handshake;
        this.statements = statements;
    }

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        (segment.fromClient() ? client : server).append(segment);
        readClient();
        readServer(out);
    }

    @Override
    public ParserCounters counters() {
        return new ParserCounters(unpairedResponses, clientResync.resyncs() + serverResync.resyncs(),
                client.skippedBytes() + server.skippedBytes() + clientResync.passedOver() + serverResync.passedOver(),
                pending.dropped());
    }

    /** True once the client switched the connection to TLS: its bytes are skipped from there on. */
    public boolean encrypted() {
        return handshake.encrypted();
    }

    private void readClient() {
        while (!handshake.encrypted()) {
            if (client.position() == 0 && client.atUncaptured()) {
                handshake.joinedMidConnection();
                clientResync.unknownFromStart();
            }
            boolean progressed = switch (clientFramer.read(client)) {
                case WAIT -> false;
                case LOST -> resyncClient();
                case PACKET -> clientPacket();
            };
            if (!progressed) {
                return;
            }
        }
        client.skipAll();
        server.skipAll();
    }

    private void readServer(Consumer<Exchange> out) {
        while (!handshake.encrypted()) {
            if (server.position() == 0 && server.atUncaptured()) {
                handshake.joinedMidConnection();
                serverResync.unknownFromStart();
            }
            boolean progressed = switch (serverFramer.read(server)) {
                case WAIT -> {
                    endResponseTheServerLeftOpen(out);
                    yield false;
                }
                case LOST -> {
                    boolean found = serverResync.find(server, serverFramer::startsChain);
                    if (found && !pending.isEmpty()) {
                        pending.peek().response().resynchronised();
                    }
                    yield found;
                }
                case PACKET -> serverPacket(out);
            };
            if (!progressed) {
                return;
            }
        }
        client.skipAll();
        server.skipAll();
    }

    private boolean resyncClient() {
        clientContinues = false;
        return clientResync.find(client, clientFramer::startsChain);
    }

    /** Handles the client packet at the position; false to wait for more of its bytes. */
    private boolean clientPacket() {
        int length = clientFramer.length();
        long size = MysqlPacket.HEADER + (long) length;
        boolean opensCommand = clientFramer.seq() == 0 && !clientContinues;
        int wanted = opensCommand ? STATEMENT_BYTES : HANDSHAKE_FIXED;
        int readable = client.readable(Math.min(size, MysqlPacket.HEADER + wanted));
        if (readable < 0) {
            return false;
        }
        MysqlPacket p = packet.at(client, length, clientFramer.seq(), readable - MysqlPacket.HEADER);
        if (opensCommand && (length == 0 || p.u8(0) >= 0 && !MysqlCommand.isCommand(p.u8(0)))) {
            // No command looks like this: the boundaries were wrong.
            return resyncClient();
        }
        clientResync.framed();
        clientContinues = length == MysqlFramer.MAX_PAYLOAD;
        if (handshake.phase() != MysqlHandshake.Phase.COMMANDS && handshake.clientPacket(p)) {
            client.consume(size);
            return true;
        }
        if (opensCommand) {
            command(p, client.timeAt(0), client.seqAt(0), client.position(), client.position() + size);
        } else {
            PendingCommand latest = pending.peekLast();
            if (latest != null) {
                latest.extendTo(client.position() + size);
            }
        }
        client.consume(size);
        return true;
    }

    private void command(MysqlPacket p, long startNs, long seq, long from, long to) {
        int command = p.u8(0);
        String operation = MysqlCommand.name(command);
        String resource = null;
        if (command == MysqlCommand.QUERY) {
            resource = MysqlCommand.queryText(p, handshake.queryAttributes());
            operation = resource == null ? operation : SqlKeyword.MYSQL.of(resource);
        } else if (command == MysqlCommand.STMT_PREPARE) {
            resource = p.text(1);
            lastPreparedText = resource;
            operation = "PREPARE";
        } else if (command == MysqlCommand.INIT_DB) {
            resource = p.text(1);
        } else if (command == MysqlCommand.FIELD_LIST) {
            resource = p.nulTerminated(1);
        } else if (MysqlCommand.namesStatement(command)) {
            long id = p.u32(1);
            resource = id == LAST_PREPARED ? lastPreparedText : statements.get(id);
            if (command == MysqlCommand.STMT_CLOSE) {
                statements.remove(id);
            } else if (command == MysqlCommand.STMT_EXECUTE || command == MysqlCommand.STMT_BULK_EXECUTE) {
                operation = resource == null ? "EXECUTE" : SqlKeyword.MYSQL.of(resource);
            }
        }
        if (!MysqlCommand.answered(command)) {
            return;
        }
        // past MAX_PENDING waiting, the oldest is dropped unanswered
        pending.add(new PendingCommand(command, operation, resource, startNs, seq, from, to,
                new MysqlResponse(command)));
        inUnpairedResponse = false;
    }

    /** Handles the server packet at the position; false to wait for more of its bytes. */
    private boolean serverPacket(Consumer<Exchange> out) {
        int length = serverFramer.length();
        long size = MysqlPacket.HEADER + (long) length;
        int wanted = length <= SMALL_PACKET ? length : PACKET_PREFIX;
        int readable = server.readable(MysqlPacket.HEADER + wanted);
        if (readable < 0) {
            return false;
        }
        MysqlPacket p = packet.at(server, length, serverFramer.seq(), readable - MysqlPacket.HEADER);
        serverResync.framed();
        if (handshake.phase() != MysqlHandshake.Phase.COMMANDS) {
            handshake.serverPacket(p);
            server.consume(size);
            return true;
        }
        PendingCommand head = pending.peek();
        if (head != null && head.response().endedBefore(p, handshake)) {
            complete(out);
            head = pending.peek();
        }
        if (head == null) {
            if (!inUnpairedResponse) {
                unpairedResponses++;
                inUnpairedResponse = true;
            }
        } else {
            head.responsePacket(server.timeAt(0), server.timeAt(size - 1), server.seqAt(0), server.position(),
                    server.position() + size);
            if (head.response().packet(p, handshake)) {
                complete(out);
            }
        }
        server.consume(size);
        return true;
    }

    /**
     * A STMT_PREPARE response on a connection whose flags are unknown may be over after its last definition: when
     * the server wrote nothing after it, it is (a server writes a response at once).
     */
    private void endResponseTheServerLeftOpen(Consumer<Exchange> out) {
        PendingCommand head = pending.peek();
        if (head != null && head.response().mayHaveEnded(handshake) && server.position() >= server.end()) {
            complete(out);
        }
    }

    private void complete(Consumer<Exchange> out) {
        PendingCommand done = pending.poll();
        long id = done.response().preparedId();
        if (done.command() == MysqlCommand.STMT_PREPARE && id >= 0 && done.resource() != null) {
            statements.put(id, done.resource());
        }
        out.accept(done.complete());
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeByte(STATE_VERSION);
        client.writeState(out);
        server.writeState(out);
        handshake.writeState(out);
        statements.writeState(out, DataOutput::writeLong);
        pending.writeState(out, (o, command) -> command.writeState(o));
        clientResync.writeState(out);
        serverResync.writeState(out);
        StateIO.writeString(out, lastPreparedText);
        out.writeBoolean(clientContinues);
        out.writeBoolean(inUnpairedResponse);
        out.writeLong(unpairedResponses);
    }

    static MysqlParser readState(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != STATE_VERSION) {
            throw new IOException("not a mysql parser state of version " + STATE_VERSION + ": " + version);
        }
        MysqlParser parser = new MysqlParser(DirectionStream.readState(in), DirectionStream.readState(in),
                MysqlHandshake.readState(in), StatementTexts.readState(in, DataInput::readLong, "mysql"));
        parser.pending.readState(in, PendingCommand::readState, "mysql");
        parser.clientResync.readState(in);
        parser.serverResync.readState(in);
        parser.lastPreparedText = StateIO.readString(in);
        parser.clientContinues = in.readBoolean();
        parser.inUnpairedResponse = in.readBoolean();
        parser.unpairedResponses = in.readLong();
        return parser;
    }
}
