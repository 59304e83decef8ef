package io.tapwire.streams.l7.postgres;

import static io.tapwire.streams.l7.parse.Wire.concat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds PostgreSQL protocol 3.0 messages, as in the "Message Formats" chapter. */
final class PgMessages {

    private PgMessages() {
    }

    // --- frontend

    static byte[] sslRequest() {
        return ByteBuffer.allocate(8).putInt(8).putInt(PostgresStartup.SSL_REQUEST).array();
    }

    static byte[] startup() {
        byte[] params = cstrings("user", "app", "database", "shop");
        return ByteBuffer.allocate(8 + params.length + 1).putInt(8 + params.length + 1).putInt(196608).put(params)
                .put((byte) 0).array();
    }

    static byte[] password() {
        return message('p', "********".getBytes(StandardCharsets.US_ASCII), new byte[] {0});
    }

    static byte[] query(String sql) {
        return message('Q', cstrings(sql));
    }

    static byte[] parse(String name, String sql) {
        return message('P', cstrings(name, sql), new byte[] {0, 0});
    }

    static byte[] bind(String portal, String statement) {
        return message('B', cstrings(portal, statement), new byte[] {0, 0, 0, 0, 0, 0});
    }

    static byte[] describePortal(String portal) {
        return message('D', new byte[] {'P'}, cstrings(portal));
    }

    static byte[] execute(String portal) {
        return message('E', cstrings(portal), new byte[] {0, 0, 0, 0});
    }

    static byte[] closeStatement(String name) {
        return message('C', new byte[] {'S'}, cstrings(name));
    }

    static byte[] sync() {
        return message('S');
    }

    static byte[] terminate() {
        return message('X');
    }

    /** An extended-protocol query: Parse (unnamed), Bind, Describe, Execute, Sync. */
    static byte[] extended(String sql) {
        return concat(parse("", sql), bind("", ""), describePortal(""), execute(""), sync());
    }

    // --- backend

    static byte[] authenticationCleartext() {
        return message('R', int32(3));
    }

    static byte[] authenticationOk() {
        return message('R', int32(0));
    }

    static byte[] parameterStatus(String name, String value) {
        return message('S', cstrings(name, value));
    }

    static byte[] backendKeyData() {
        return message('K', int32(4242), int32(77));
    }

    static byte[] ready() {
        return message('Z', new byte[] {'I'});
    }

    static byte[] rowDescription() {
        return message('T', new byte[] {0, 1}, cstrings("n"), new byte[18]);
    }

    static byte[] dataRow(String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return message('D', new byte[] {0, 1}, int32(v.length), v);
    }

    static byte[] commandComplete(String tag) {
        return message('C', cstrings(tag));
    }

    static byte[] parseComplete() {
        return message('1');
    }

    static byte[] bindComplete() {
        return message('2');
    }

    static byte[] closeComplete() {
        return message('3');
    }

    static byte[] error(String sqlState, String text) {
        return message('E', new byte[] {'S'}, cstrings("ERROR"), new byte[] {'C'}, cstrings(sqlState),
                new byte[] {'M'}, cstrings(text), new byte[] {0});
    }

    static byte[] notice(String text) {
        return message('N', new byte[] {'S'}, cstrings("NOTICE"), new byte[] {'M'}, cstrings(text), new byte[] {0});
    }

    static byte[] notification(String channel) {
        return message('A', int32(99), cstrings(channel, ""));
    }

    /** The backend's answer to {@link #extended}: ParseComplete … ReadyForQuery, with one row. */
    static byte[] extendedResult(String value) {
        return concat(parseComplete(), bindComplete(), rowDescription(), dataRow(value),
                commandComplete("SELECT 1"), ready());
    }

    /** The whole set-up of a connection with password authentication, as {client, server, client, server} writes. */
    static byte[][] setUp() {
        return new byte[][] {sslRequest(), {'N'}, startup(), authenticationCleartext(), password(),
                concat(authenticationOk(), parameterStatus("server_version", "15.18"), backendKeyData(), ready())};
    }

    // --- bytes

    static byte[] message(char type, byte[]... body) {
        byte[] b = concat(body);
        return ByteBuffer.allocate(5 + b.length).put((byte) type).putInt(4 + b.length).put(b).array();
    }

    static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    static byte[] cstrings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String value : values) {
            out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }
}
