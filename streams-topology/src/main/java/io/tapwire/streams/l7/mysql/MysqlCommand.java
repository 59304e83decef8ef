package io.tapwire.streams.l7.mysql;

/**
 * The command bytes a client opens an exchange with ("Text Protocol", "Prepared Statements", "Utility Commands"),
 * what each is called as an operation, and which are answered at all.
 */
final class MysqlCommand {

    static final int QUIT = 0x01;
    static final int INIT_DB = 0x02;
    static final int QUERY = 0x03;
    static final int FIELD_LIST = 0x04;
    static final int STATISTICS = 0x09;
    static final int CHANGE_USER = 0x11;
    static final int BINLOG_DUMP = 0x12;
    static final int STMT_PREPARE = 0x16;
    static final int STMT_EXECUTE = 0x17;
    static final int STMT_SEND_LONG_DATA = 0x18;
    static final int STMT_CLOSE = 0x19;
    static final int STMT_RESET = 0x1A;
    static final int STMT_FETCH = 0x1C;
    static final int BINLOG_DUMP_GTID = 0x1E;
    /** MariaDB: a prepared statement run with many rows of parameters at once. */
    static final int STMT_BULK_EXECUTE = 0xFA;

    private static final String[] NAMES = {"SLEEP", "QUIT", "INIT_DB", "QUERY", "FIELD_LIST", "CREATE_DB", "DROP_DB",
            "REFRESH", "SHUTDOWN", "STATISTICS", "PROCESS_INFO", "CONNECT", "PROCESS_KILL", "DEBUG", "PING", "TIME",
            "DELAYED_INSERT", "CHANGE_USER", "BINLOG_DUMP", "TABLE_DUMP", "CONNECT_OUT", "REGISTER_SLAVE",
            "STMT_PREPARE", "STMT_EXECUTE", "STMT_SEND_LONG_DATA", "STMT_CLOSE", "STMT_RESET", "SET_OPTION",
            "STMT_FETCH", "DAEMON", "BINLOG_DUMP_GTID", "RESET_CONNECTION"};

    private MysqlCommand() {
    }

    static boolean isCommand(int b) {
        return b >= 0 && b < NAMES.length || b == STMT_BULK_EXECUTE;
    }

    /** The command's name without its COM_ prefix (PING, INIT_DB…). */
    static String name(int command) {
        if (command == STMT_BULK_EXECUTE) {
            return "STMT_BULK_EXECUTE";
        }
        return command >= 0 && command < NAMES.length ? NAMES[command] : "UNKNOWN";
    }

    /** QUIT closes the connection, STMT_CLOSE and STMT_SEND_LONG_DATA are never answered. */
    static boolean answered(int command) {
        return command != QUIT && command != STMT_CLOSE && command != STMT_SEND_LONG_DATA;
    }

    /** The commands whose payload names a prepared statement by its 4-byte id, right after the command byte. */
    static boolean namesStatement(int command) {
        return command == STMT_EXECUTE || command == STMT_SEND_LONG_DATA || command == STMT_CLOSE
                || command == STMT_RESET || command == STMT_FETCH || command == STMT_BULK_EXECUTE;
    }

    /**
     * COM_QUERY's statement text. With CLIENT_QUERY_ATTRIBUTES (MySQL 8.0.23+) the text follows a parameter count and
     * a parameter set count; when the flags are unknown, a payload that goes on with the bytes 0x00 0x01 (no
     * attributes, one set) has them, since no statement starts with a zero byte. Attributes with values are not
     * decoded: the text is then null.
     */
    static String queryText(MysqlPacket packet, boolean queryAttributes) {
        boolean attributes = queryAttributes || packet.u8(1) == 0 && packet.u8(2) == 1;
        if (!attributes) {
            return packet.text(1);
        }
        long parameters = packet.lenenc(1);
        int size = packet.lenencSize(1);
        if (parameters != 0) {
            return null;
        }
        int sets = packet.lenencSize(1 + size);
        return sets < 0 ? null : packet.text(1 + size + sets);
    }
}
