package io.tapwire.streams.l7.mysql;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.StateIO;

/**
 * Where a command's response stands, packet by packet, to know which packet ends it ("Server Response Packets",
 * "Result Set Packets", "COM_STMT_PREPARE Response"):
 * <ul>
 * <li>OK 0x00 or ERR 0xFF alone; EOF 0xFE alone for a few commands;</li>
 * <li>a result set: a column count, that many column definitions (none when MariaDB's metadata cache or MySQL's
 *     optional metadata says so), an EOF unless CLIENT_DEPRECATE_EOF, rows, then an EOF, or an OK with the 0xFE
 *     header under CLIENT_DEPRECATE_EOF, or an ERR. A 0xFE packet shorter than 2^24 - 1 bytes is never a row (a
 *     row starting with 0xFE holds a value of at least 2^24 bytes);</li>
 * <li>SERVER_MORE_RESULTS_EXISTS in an OK's or EOF's status: another result follows in the same response;</li>
 * <li>STMT_PREPARE: an OK with the statement id and its numbers of columns and parameters, then that many parameter
 *     and column definitions, each group followed by an EOF unless CLIENT_DEPRECATE_EOF;</li>
 * <li>LOCAL INFILE 0xFB: the client sends the file, then the server answers OK or ERR.</li>
 * </ul>
 */
final class MysqlResponse {

    /** What the response awaits next. */
    enum State {
        /** Its first packet, or the first of the next result. */
        FIRST,
        /** Column definitions ({@code remaining} more). */
        COLUMNS,
        /** The EOF after the column definitions, if the connection has them, else the first row. */
        COLUMNS_EOF,
        /** Rows, up to the terminating EOF/OK or an ERR. */
        ROWS,
        /** STMT_PREPARE: parameter definitions ({@code remaining} more). */
        PREPARE_PARAMS,
        /** STMT_PREPARE: the EOF after the parameter definitions, if the connection has them, else a column's. */
        PREPARE_PARAMS_EOF,
        /** STMT_PREPARE: column definitions ({@code remaining} more). */
        PREPARE_COLUMNS,
        /** STMT_PREPARE: the EOF after the last definitions, if the connection has them: the response's end. */
        PREPARE_FINAL_EOF,
        /** CHANGE_USER: authentication rounds up to OK or ERR. */
        AUTH,
        /** STATISTICS: a single text packet. */
        SINGLE
    }

    private static final int OK = 0x00;
    private static final int LOCAL_INFILE = 0xFB;
    private static final int EOF = 0xFE;
    private static final int ERR = 0xFF;
    /** The 4.1 EOF packet: 0xFE, warnings (2), status (2). An OK with the 0xFE header is at least 7 bytes. */
    private static final int EOF_LENGTH = 5;
    private static final int SERVER_MORE_RESULTS_EXISTS = 0x0008;
    private static final int SERVER_STATUS_CURSOR_EXISTS = 0x0040;
    /** STMT_PREPARE's OK: status 0x00, statement id (4), columns (2), parameters (2), filler, warnings (2). */
    private static final int PREPARE_OK_LENGTH = 9;

    private final boolean prepare;
    private State state;
    private long remaining;
    private long preparedColumns;
    private long preparedId = -1;
    private boolean failed;
    private String errorDetail;
    /** The last packet was 2^24 - 1 bytes long: the next one continues its payload and is not read on its own. */
    private boolean continues;

    MysqlResponse(int command) {
        this(command == MysqlCommand.STMT_PREPARE, switch (command) {
            case MysqlCommand.CHANGE_USER -> State.AUTH;
            case MysqlCommand.STATISTICS -> State.SINGLE;
            case MysqlCommand.STMT_FETCH, MysqlCommand.FIELD_LIST, MysqlCommand.BINLOG_DUMP,
                    MysqlCommand.BINLOG_DUMP_GTID -> State.ROWS;
            default -> State.FIRST;
        });
    }

    private MysqlResponse(boolean prepare, State state) {
        this.prepare = prepare;
        this.state = state;
    }

    boolean failed() {
        return failed;
    }

    String errorDetail() {
        return errorDetail;
    }

    /** The statement id a STMT_PREPARE's OK assigned, or -1. */
    long preparedId() {
        return preparedId;
    }

    /**
     * After lost boundaries inside this response: the count of column definitions can no longer be trusted, so the
     * rest is read as rows up to the terminating packet (a column definition never starts with 0xFE or 0xFF).
     */
    void resynchronised() {
        continues = false;
        if (state == State.COLUMNS || state == State.COLUMNS_EOF) {
            state = State.ROWS;
        }
    }

    /**
     * True when the response already ended before {@code packet}: a STMT_PREPARE whose last definitions are not
     * followed by an EOF on this connection, so that {@code packet} opens the next response.
     */
    boolean endedBefore(MysqlPacket packet, MysqlHandshake handshake) {
        if (state != State.PREPARE_FINAL_EOF || handshake.deprecateEof() == 0) {
            return false;
        }
        boolean eof = isDefinitionsEof(packet, handshake);
        handshake.learnDeprecateEof(!eof);
        return !eof;
    }

    /**
     * True when the response may have ended with the packet before, or may still get its final EOF, and the
     * connection's flags do not say which (a capture that joined the connection late): the parser ends it when the
     * server wrote nothing more, since a server writes a response whole.
     */
    boolean mayHaveEnded(MysqlHandshake handshake) {
        return state == State.PREPARE_FINAL_EOF && handshake.deprecateEof() == MysqlHandshake.UNKNOWN;
    }

    /** Takes the next packet of the response; returns true when it was the last. */
    boolean packet(MysqlPacket packet, MysqlHandshake handshake) {
        boolean continued = continues;
        continues = packet.length() == MysqlFramer.MAX_PAYLOAD;
        if (continued) {
            return false;
        }
        int first = packet.u8(0);
        return switch (state) {
            case FIRST -> first(packet, first);
            case COLUMNS -> {
                if (--remaining <= 0) {
                    state = State.COLUMNS_EOF;
                }
                yield false;
            }
            case COLUMNS_EOF -> {
                boolean eof = isDefinitionsEof(packet, handshake);
                handshake.learnDeprecateEof(!eof);
                state = State.ROWS;
                if (eof) {
                    // A cursor was opened (COM_STMT_EXECUTE with a cursor flag): the rows come with COM_STMT_FETCH.
                    yield (status(packet) & SERVER_STATUS_CURSOR_EXISTS) != 0;
                }
                yield row(packet, first);
            }
            case ROWS -> row(packet, first);
            case PREPARE_PARAMS, PREPARE_COLUMNS -> --remaining <= 0 && definitionsEnded(handshake);
            case PREPARE_PARAMS_EOF -> {
                boolean eof = isDefinitionsEof(packet, handshake);
                handshake.learnDeprecateEof(!eof);
                state = State.PREPARE_COLUMNS;
                remaining = preparedColumns;
                // Without an EOF on this connection the packet is the first column definition.
                yield !eof && --remaining <= 0 && definitionsEnded(handshake);
            }
            case PREPARE_FINAL_EOF, SINGLE -> true;
            case AUTH -> {
                if (first == ERR) {
                    error(packet);
                }
                yield first == OK || first == ERR;
            }
        };
    }

    /** The EOF that follows a group of definitions: 5 bytes (an OK with 0xFE, which ends a result, is longer). */
    private static boolean isDefinitionsEof(MysqlPacket packet, MysqlHandshake handshake) {
        return handshake.deprecateEof() != 1 && isEof(packet, packet.u8(0)) && packet.length() == EOF_LENGTH;
    }

    private boolean first(MysqlPacket packet, int first) {
        if (first == ERR) {
            error(packet);
            return true;
        }
        if (first == OK) {
            if (prepare && preparedId < 0 && packet.length() >= PREPARE_OK_LENGTH) {
                return prepared(packet);
            }
            return (okStatus(packet) & SERVER_MORE_RESULTS_EXISTS) == 0;
        }
        if (isEof(packet, first)) {
            return (status(packet) & SERVER_MORE_RESULTS_EXISTS) == 0;
        }
        if (first == LOCAL_INFILE) {
            // The client sends the file now; the server's OK or ERR after it ends the response.
            return false;
        }
        long columns = packet.lenenc(0);
        int size = packet.lenencSize(0);
        // MariaDB's MARIADB_CLIENT_CACHE_METADATA and MySQL's CLIENT_OPTIONAL_RESULTSET_METADATA add a byte saying
        // whether the column definitions follow; the packet's length tells whether it is there.
        boolean definitions = size < 0 || packet.length() != size + 1 || packet.u8(size) != 0;
        if (columns <= 0 || !definitions) {
            state = State.COLUMNS_EOF;
        } else {
            remaining = columns;
            state = State.COLUMNS;
        }
        return false;
    }

    private boolean prepared(MysqlPacket packet) {
        preparedId = packet.u32(1);
        preparedColumns = Math.max(0, packet.u16(5));
        long params = Math.max(0, packet.u16(7));
        if (params > 0) {
            remaining = params;
            state = State.PREPARE_PARAMS;
            return false;
        }
        if (preparedColumns > 0) {
            remaining = preparedColumns;
            state = State.PREPARE_COLUMNS;
            return false;
        }
        return true;
    }

    /** The last definition of a group came: an EOF follows unless the connection deprecates them. */
    private boolean definitionsEnded(MysqlHandshake handshake) {
        boolean columnsFollow = state == State.PREPARE_PARAMS && preparedColumns > 0;
        if (handshake.deprecateEof() == 1) {
            if (columnsFollow) {
                remaining = preparedColumns;
                state = State.PREPARE_COLUMNS;
                return false;
            }
            return true;
        }
        state = columnsFollow ? State.PREPARE_PARAMS_EOF : State.PREPARE_FINAL_EOF;
        return false;
    }

    private boolean row(MysqlPacket packet, int first) {
        if (first == ERR) {
            error(packet);
            return true;
        }
        if (isEof(packet, first)) {
            if ((status(packet) & SERVER_MORE_RESULTS_EXISTS) != 0) {
                state = State.FIRST;
                return false;
            }
            return true;
        }
        return false;
    }

    private static boolean isEof(MysqlPacket packet, int first) {
        return first == EOF && packet.length() < MysqlFramer.MAX_PAYLOAD;
    }

    /** The status flags of an EOF (0xFE, warnings, status) or of an OK with the 0xFE header; 0 when not captured. */
    private static int status(MysqlPacket packet) {
        if (packet.length() == EOF_LENGTH) {
            return Math.max(0, packet.u16(3));
        }
        return okStatus(packet);
    }

    /** An OK's status flags: after the header byte, the affected rows and the last insert id (length-encoded). */
    private static int okStatus(MysqlPacket packet) {
        int rows = packet.lenencSize(1);
        if (rows < 0) {
            return 0;
        }
        int id = packet.lenencSize(1 + rows);
        return id < 0 ? 0 : Math.max(0, packet.u16(1 + rows + id));
    }

    /** ERR: 0xFF, error code (2), then in the 4.1 layout '#' and a 5-character SQLSTATE, then the message. */
    private void error(MysqlPacket packet) {
        failed = true;
        int code = packet.u16(1);
        String message;
        String sqlState = null;
        if (packet.u8(3) == '#') {
            sqlState = packet.text(4, 9);
            message = packet.text(9);
        } else {
            message = packet.text(3);
        }
        StringBuilder detail = new StringBuilder();
        if (code >= 0) {
            detail.append(code);
        }
        if (sqlState != null && !sqlState.isEmpty()) {
            detail.append(" (").append(sqlState).append(')');
        }
        if (!message.isEmpty()) {
            detail.append(detail.isEmpty() ? "" : " ").append(message);
        }
        errorDetail = detail.toString();
    }

    void writeState(DataOutput out) throws IOException {
        out.writeByte(state.ordinal());
        out.writeLong(remaining);
        out.writeLong(preparedColumns);
        out.writeLong(preparedId);
        out.writeByte((failed ? 1 : 0) | (continues ? 2 : 0) | (prepare ? 4 : 0));
        StateIO.writeString(out, errorDetail);
    }

    static MysqlResponse readState(DataInput in) throws IOException {
        int state = in.readUnsignedByte();
        if (state >= State.values().length) {
            throw new IOException("corrupt mysql parser state: response state " + state);
        }
        long remaining = in.readLong();
        long preparedColumns = in.readLong();
        long preparedId = in.readLong();
        int flags = in.readUnsignedByte();
        MysqlResponse response = new MysqlResponse((flags & 4) != 0, State.values()[state]);
        response.remaining = remaining;
        response.preparedColumns = preparedColumns;
        response.preparedId = preparedId;
        response.failed = (flags & 1) != 0;
        response.continues = (flags & 2) != 0;
        response.errorDetail = StateIO.readString(in);
        return response;
    }
}
