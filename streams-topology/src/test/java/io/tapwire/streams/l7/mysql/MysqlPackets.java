package io.tapwire.streams.l7.mysql;

import static io.tapwire.streams.l7.parse.Wire.concat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds MySQL client/server protocol packets, as in MariaDB's "Client/Server Protocol" and MySQL's "Client/Server
 * Protocol" documentation.
 */
final class MysqlPackets {

    static final long CLIENT_PROTOCOL_41 = 1 << 9;
    static final long CLIENT_SSL = 1 << 11;
    static final long CLIENT_SECURE_CONNECTION = 1 << 15;
    static final long CLIENT_PLUGIN_AUTH = 1 << 19;
    static final long CLIENT_DEPRECATE_EOF = 1 << 24;
    static final long CLIENT_QUERY_ATTRIBUTES = 1 << 27;
    static final long BASE_CAPABILITIES = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
    static final int MORE_RESULTS = 0x0008;

    private MysqlPackets() {
    }

    // --- connection phase

    static byte[] greeting(long capabilities) {
        return packet(0, bytes(10), cstring("10.11.19-MariaDB"), le(77, 4), "scramble".getBytes(), bytes(0),
                le(capabilities & 0xFFFF, 2), bytes(45), le(2, 2), le(capabilities >>> 16, 2), bytes(21),
                new byte[10], "more-scramb\0".getBytes(), cstring("mysql_native_password"));
    }

    /** The handshake response, its authentication masked as the collector ships it. */
    static byte[] handshakeResponse(long capabilities) {
        return packet(1, le(capabilities, 4), le(16 << 20, 4), bytes(45), new byte[23],
                "****************************************".getBytes());
    }

    static byte[] sslRequest(long capabilities) {
        return packet(1, le(capabilities | CLIENT_SSL, 4), le(16 << 20, 4), bytes(45), new byte[23]);
    }

    static byte[] authSwitch(int seq) {
        return packet(seq, bytes(0xFE), cstring("mysql_native_password"), "01234567890123456789\0".getBytes());
    }

    // --- commands

    static byte[] query(String sql) {
        return packet(0, bytes(MysqlCommand.QUERY), sql.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] prepare(String sql) {
        return packet(0, bytes(MysqlCommand.STMT_PREPARE), sql.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] execute(long id) {
        return packet(0, bytes(MysqlCommand.STMT_EXECUTE), le(id, 4), bytes(0), le(1, 4));
    }

    static byte[] closeStatement(long id) {
        return packet(0, bytes(MysqlCommand.STMT_CLOSE), le(id, 4));
    }

    static byte[] ping() {
        return packet(0, bytes(0x0E));
    }

    static byte[] quit() {
        return packet(0, bytes(MysqlCommand.QUIT));
    }

    // --- responses

    static byte[] ok(int seq) {
        return ok(seq, 0);
    }

    static byte[] ok(int seq, int status) {
        return packet(seq, bytes(0), bytes(0), bytes(0), le(status, 2), le(0, 2));
    }

    static byte[] err(int seq, int code, String sqlState, String message) {
        return packet(seq, bytes(0xFF), le(code, 2), ("#" + sqlState + message).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] eof(int seq, int status) {
        return packet(seq, bytes(0xFE), le(0, 2), le(status, 2));
    }

    /** The OK with the 0xFE header that ends a result set under CLIENT_DEPRECATE_EOF. */
    static byte[] okEof(int seq, int status) {
        return packet(seq, bytes(0xFE), bytes(0), bytes(0), le(status, 2), le(0, 2));
    }

    static byte[] columnDefinition(int seq, String name) {
        return packet(seq, lenencString("def"), lenencString("shop"), lenencString("t"), lenencString("t"),
                lenencString(name), lenencString(name), bytes(0x0C), le(45, 2), le(255, 4), bytes(0xFD), le(0, 2),
                bytes(0), le(0, 2));
    }

    static byte[] row(int seq, String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String value : values) {
            out.writeBytes(lenencString(value));
        }
        return packet(seq, out.toByteArray());
    }

    /**
     * A text result set of one column starting at sequence {@code seq}: column count, definition, EOF (classic) or
     * none (deprecated EOF), the rows, and its terminator with {@code status}.
     */
    static byte[] resultSet(int seq, boolean deprecateEof, int status, String... rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(packet(seq++, bytes(1)));
        out.writeBytes(columnDefinition(seq++, "v"));
        if (!deprecateEof) {
            out.writeBytes(eof(seq++, 0));
        }
        for (String row : rows) {
            out.writeBytes(row(seq++, row));
        }
        out.writeBytes(deprecateEof ? okEof(seq, status) : eof(seq, status));
        return out.toByteArray();
    }

    /** STMT_PREPARE's answer: OK with the id, then the definitions of its parameters and columns. */
    static byte[] prepareOk(long id, int columns, int params, boolean deprecateEof) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int seq = 1;
        out.writeBytes(packet(seq++, bytes(0), le(id, 4), le(columns, 2), le(params, 2), bytes(0), le(0, 2)));
        for (int[] group : new int[][] {{params}, {columns}}) {
            for (int i = 0; i < group[0]; i++) {
                out.writeBytes(columnDefinition(seq++, "?"));
            }
            if (group[0] > 0 && !deprecateEof) {
                out.writeBytes(eof(seq++, 0));
            }
        }
        return out.toByteArray();
    }

    // --- bytes

    static byte[] packet(int seq, byte[]... payload) {
        byte[] body = concat(payload);
        return concat(le(body.length, 3), bytes(seq), body);
    }

    static byte[] le(long value, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (value >>> 8 * i);
        }
        return out;
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] cstring(String value) {
        return concat(value.getBytes(StandardCharsets.UTF_8), bytes(0));
    }

    static byte[] lenencString(String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] length = v.length < 251 ? bytes(v.length) : concat(bytes(0xFC), le(v.length, 2));
        return concat(length, v);
    }
}
