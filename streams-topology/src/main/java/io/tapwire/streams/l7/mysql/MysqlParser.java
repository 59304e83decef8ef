package io.tapwire.streams.l7.mysql;

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
import io.tapwire.streams.l7.parse.StateIO;

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
    private static final int STATE_VERSION = 1;

    private final DirectionStream client;
    private final DirectionStream server;
    private final MysqlHandshake handshake;
    private final PreparedStatements statements;
    private final ArrayDeque<PendingCommand> pending;
    private final MysqlFramer clientFramer = MysqlFramer.client();
    private final MysqlFramer serverFramer = MysqlFramer.server();
    private final MysqlPacket packet = new MysqlPacket();

    /** The text of the last STMT_PREPARE the client sent, for MariaDB's "last prepared" statement id. */
    private String lastPreparedText;
    /** The client's last packet was 2^24 - 1 bytes long: the next continues its payload. */
    private boolean clientContinues;
    private boolean clientLost;
    private boolean serverLost;
    /** Inside a response that had no command: counted once. */
    private boolean inUnpairedResponse;
    private long unpairedResponses;
    private long resyncs;
    private long passedOver;
    private long droppedRequests;

    MysqlParser() {
        this(new DirectionStream(), new DirectionStream(), new MysqlHandshake(), new PreparedStatements(),
                new ArrayDeque<>());
    }

    private MysqlParser(DirectionStream client, DirectionStream server, MysqlHandshake handshake,
                        PreparedStatements statements, ArrayDeque<PendingCommand> pending) {
        this.client = client;
        this.server = server;
        this.handshake = handshake;
        this.statements = statements;
        this.pending = pending;
    }

    @Override
    public void accept(Segment segment, Consumer<Exchange> out) {
        (segment.fromClient() ? client : server).append(segment);
        readClient();
        readServer(out);
    }

    @Override
    public ParserCounters counters() {
        return new ParserCounters(unpairedResponses, resyncs,
                client.skippedBytes() + server.skippedBytes() + passedOver);
    }

    /** Commands dropped unanswered because more than {@link #MAX_PENDING} were waiting. */
    public long droppedRequests() {
        return droppedRequests;
    }

    /** True once the client switched the connection to TLS: its bytes are skipped from there on. */
    public boolean encrypted() {
        return handshake.encrypted();
    }

    private void readClient() {
        while (!handshake.encrypted()) {
            if (client.position() == 0 && client.atUncaptured()) {
                handshake.joinedMidConnection();
                clientLost = true;
            }
            boolean progressed = switch (clientFramer.read(client)) {
                case WAIT -> false;
                case LOST -> resync(client, clientFramer, true);
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
                serverLost = true;
            }
            boolean progressed = switch (serverFramer.read(server)) {
                case WAIT -> {
                    endResponseTheServerLeftOpen(out);
                    yield false;
                }
                case LOST -> {
                    boolean found = resync(server, serverFramer, false);
                    if (found && !pending.isEmpty()) {
                        pending.peekFirst().response().resynchronised();
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

    private boolean resync(DirectionStream stream, MysqlFramer framer, boolean clientSide) {
        if (clientSide ? !clientLost : !serverLost) {
            resyncs++;
        }
        if (clientSide) {
            clientLost = true;
            clientContinues = false;
        } else {
            serverLost = true;
        }
        boolean found = framer.resync(stream);
        passedOver += framer.passedOver();
        return found;
    }

    /** Handles the client packet at the position; false to wait for more of its bytes. */
    private boolean clientPacket() {
        int length = clientFramer.length();
        long size = MysqlPacket.HEADER + (long) length;
        boolean opensCommand = clientFramer.seq() == 0 && !clientContinues;
        int wanted = opensCommand ? STATEMENT_BYTES : HANDSHAKE_FIXED;
        int readable = readable(client, Math.min(size, MysqlPacket.HEADER + wanted));
        if (readable < 0) {
            return false;
        }
        MysqlPacket p = packet.at(client, length, clientFramer.seq(), readable - MysqlPacket.HEADER);
        if (opensCommand && (length == 0 || p.u8(0) >= 0 && !MysqlCommand.isCommand(p.u8(0)))) {
            // No command looks like this: the boundaries were wrong.
            return resync(client, clientFramer, true);
        }
        clientLost = false;
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
            operation = resource == null ? operation : SqlKeyword.of(resource);
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
                operation = resource == null ? "EXECUTE" : SqlKeyword.of(resource);
            }
        }
        if (!MysqlCommand.answered(command)) {
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            pending.removeFirst();
            droppedRequests++;
        }
        pending.addLast(new PendingCommand(command, operation, resource, startNs, seq, from, to,
                new MysqlResponse(command)));
        inUnpairedResponse = false;
    }

    /** Handles the server packet at the position; false to wait for more of its bytes. */
    private boolean serverPacket(Consumer<Exchange> out) {
        int length = serverFramer.length();
        long size = MysqlPacket.HEADER + (long) length;
        int wanted = length <= SMALL_PACKET ? length : PACKET_PREFIX;
        int readable = readable(server, MysqlPacket.HEADER + wanted);
        if (readable < 0) {
            return false;
        }
        MysqlPacket p = packet.at(server, length, serverFramer.seq(), readable - MysqlPacket.HEADER);
        serverLost = false;
        if (handshake.phase() != MysqlHandshake.Phase.COMMANDS) {
            handshake.serverPacket(p);
            server.consume(size);
            return true;
        }
        PendingCommand head = pending.peekFirst();
        if (head != null && head.response().endedBefore(p, handshake)) {
            complete(out);
            head = pending.peekFirst();
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
        PendingCommand head = pending.peekFirst();
        if (head != null && head.response().mayHaveEnded(handshake) && server.position() >= server.end()) {
            complete(out);
        }
    }

    private void complete(Consumer<Exchange> out) {
        PendingCommand done = pending.removeFirst();
        long id = done.response().preparedId();
        if (done.command() == MysqlCommand.STMT_PREPARE && id >= 0 && done.resource() != null) {
            statements.put(id, done.resource());
        }
        out.accept(done.complete());
    }

    /**
     * How many bytes of a packet of {@code wanted} bytes at the position can be read now: all once they arrived,
     * fewer when the capture cut the packet, or -1 when the rest is still to come.
     */
    private static int readable(DirectionStream stream, long wanted) {
        int known = stream.knownAhead();
        if (known >= wanted) {
            return (int) wanted;
        }
        return stream.position() + known < stream.end() ? known : -1;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        out.writeByte(STATE_VERSION);
        client.writeState(out);
        server.writeState(out);
        handshake.writeState(out);
        statements.writeState(out);
        out.writeInt(pending.size());
        for (PendingCommand command : pending) {
            command.writeState(out);
        }
        StateIO.writeString(out, lastPreparedText);
        out.writeBoolean(clientContinues);
        out.writeBoolean(clientLost);
        out.writeBoolean(serverLost);
        out.writeBoolean(inUnpairedResponse);
        out.writeLong(unpairedResponses);
        out.writeLong(resyncs);
        out.writeLong(passedOver);
        out.writeLong(droppedRequests);
    }

    static MysqlParser readState(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != STATE_VERSION) {
            throw new IOException("not a mysql parser state of version " + STATE_VERSION + ": " + version);
        }
        DirectionStream client = DirectionStream.readState(in);
        DirectionStream server = DirectionStream.readState(in);
        MysqlHandshake handshake = MysqlHandshake.readState(in);
        PreparedStatements statements = PreparedStatements.readState(in);
        int count = in.readInt();
        if (count < 0 || count > MAX_PENDING) {
            throw new IOException("corrupt mysql parser state: " + count + " pending commands");
        }
        ArrayDeque<PendingCommand> pending = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            pending.addLast(PendingCommand.readState(in));
        }
        MysqlParser parser = new MysqlParser(client, server, handshake, statements, pending);
        parser.lastPreparedText = StateIO.readString(in);
        parser.clientContinues = in.readBoolean();
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
