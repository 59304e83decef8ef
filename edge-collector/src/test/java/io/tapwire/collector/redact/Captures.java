package io.tapwire.collector.redact;

import static io.tapwire.collector.redact.Bytes.latin1;

/**
 * Bytes real clients and servers wrote, each the data of one write syscall, recorded with a Python socket at the
 * other end (a plain listener, or for the database clients a listener speaking just enough of the server side to get
 * the client to authenticate) on 127.0.0.1, printed with Python's repr and written here one char per byte.
 */
final class Captures {

    private Captures() {
    }

    /** curl 7.88.1: {@code curl -u user:pass -b 'session=abc' http://127.0.0.1:18081/api/orders}. */
    static byte[] curlBasicAuthAndCookie() {
        return latin1("GET /api/orders HTTP/1.1\r\nHost: 127.0.0.1:18081\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"
                + "User-Agent: curl/7.88.1\r\nAccept: */*\r\nCookie: session=abc\r\n\r\n");
    }

    /**
     * curl 7.88.1: {@code curl -u user:pass -H 'X-Api-Key: k-7f3a9c' -d 'user=bob&password=hunter2'
     * http://127.0.0.1:18082/login} (headers and body in one write).
     */
    static byte[] curlLoginForm() {
        return latin1("POST /login HTTP/1.1\r\nHost: 127.0.0.1:18082\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"
                + "User-Agent: curl/7.88.1\r\nAccept: */*\r\nX-Api-Key: k-7f3a9c\r\nContent-Length: 25\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n\r\nuser=bob&password=hunter2");
    }

    /**
     * Python 3.11 http.server, a handler setting a session cookie, answering {@code GET /login}: headers and body
     * as one read of the client got them (the server wrote them in two writes).
     */
    static byte[] pythonResponseSettingCookie() {
        return latin1("HTTP/1.1 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.7\r\nDate: Fri, 27 Nov 2026 07:40:38 GMT\r\n"
                + "Content-Type: application/json\r\nSet-Cookie: session=9f8e7d6c; Path=/; HttpOnly\r\n"
                + "Content-Length: 11\r\n\r\n{\"ok\":true}");
    }

    /** psql 15.18 ({@code sslmode=prefer}, the default): its first write, an SSLRequest. */
    static byte[] psqlSslRequest() {
        return latin1("\u0000\u0000\u0000\u0008\u0004\u00d2\u0016/");
    }

    /** psql 15.18 after the server's 'N': the startup message of {@code psql -h 127.0.0.1 -U app -d orders}. */
    static byte[] psqlStartup() {
        return latin1("\u0000\u0000\u00008\u0000\u0003\u0000\u0000user\u0000app\u0000database\u0000orders\u0000"
                + "application_name\u0000psql\u0000\u0000");
    }

    /** psql 15.18, {@code PGPASSWORD=s3cr3t-pw}, answering AuthenticationCleartextPassword: a PasswordMessage. */
    static byte[] psqlCleartextPassword() {
        return latin1("p\u0000\u0000\u0000\u000es3cr3t-pw\u0000");
    }

    /** psql 15.18, the same password, answering AuthenticationMD5Password (salt 01 02 03 04). */
    static byte[] psqlMd5Password() {
        return latin1("p\u0000\u0000\u0000(md5f7ac650a7b42cba21ed4ed889925df4c\u0000");
    }

    /** psql 15.18 answering AuthenticationSASL (SCRAM-SHA-256): a SASLInitialResponse. */
    static byte[] psqlSaslInitialResponse() {
        return latin1("p\u0000\u0000\u00006SCRAM-SHA-256\u0000\u0000\u0000\u0000 n,,n=,r=OWuA9GlczFWtP1eQDNicn/QB");
    }

    /**
     * mariadb client 10.11 (libmariadb 3.3.20), {@code mariadb -u app -p's3cr3t-pw' --skip-ssl orders}, answering a
     * 5.7 greeting offering mysql_native_password: HandshakeResponse41, sequence id 1, payload 0xD6 = 214 bytes.
     * Payload: capability flags 0x00BFA28D, max packet size, charset 0x21, 23 filler bytes, user "app", a 20-byte
     * auth response, database "orders", plugin name, 0x7F bytes of connection attributes.
     */
    static byte[] mariadbHandshakeResponse() {
        return latin1("\u00d6\u0000\u0000\u0001\u008d\u00a2\u00bf\u0000\u0000\u0000\u0010\u0000!\u0000\u0000\u0000"
                + "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
                + "\u0000\u0000\u0000\u0000app\u0000\u0014\u00ed\u00f3\u00b4\u0088\u00d6\u008d\u00d9\u00ca2=[\u00d9"
                + "\u00db\u00ea:\u0004\u00f9\u00e1\u00e3\u00d7orders\u0000mysql_native_password\u0000\u007f\u0003_os"
                + "\u0005Linux\u000c_client_name\nlibmariadb\u0004_pid\u000526098\u000f_client_version\u00063.3.20"
                + "\t_platform\u0006x86_64\u000cprogram_name\u0005mysql\u000c_server_host\t127.0.0.1");
    }

    /** The same client answering an AuthSwitchRequest (sequence 2) for mysql_native_password: 20 bytes, sequence 3. */
    static byte[] mariadbAuthSwitchResponse() {
        return latin1("\u0014\u0000\u0000\u0003\u0014e\u00f5\u00d6\u0000\u0010P;G\u00f4P\u00ab\u00f0(\u001d80\u00d8z!");
    }

    /** The same client with {@code --ssl} against a greeting offering CLIENT_SSL: the SSLRequest, 32 bytes. */
    static byte[] mariadbSslRequest() {
        return latin1(" \u0000\u0000\u0001\u008d\u00aa\u00bf\u0000\u0000\u0000\u0010\u0000!\u0000\u0000\u0000\u0000"
                + "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
                + "\u0000\u0000\u0000");
    }

    /** The same client's {@code -e 'SELECT 1'} after authentication: COM_QUERY at sequence 0. */
    static byte[] mariadbSelect1() {
        return latin1("\t\u0000\u0000\u0000\u0003SELECT 1");
    }

    /** redis-cli 7.0.15, {@code redis-cli -a secret PING}: its first write. */
    static byte[] redisCliAuth() {
        return latin1("*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n");
    }

    /** redis-cli 7.0.15, {@code redis-cli --user app --pass s3cr3t GET k}: its first write. */
    static byte[] redisCliAuthUser() {
        return latin1("*3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$6\r\ns3cr3t\r\n");
    }

    /** redis-cli 7.0.15, {@code redis-cli HELLO 3 AUTH default secret}. */
    static byte[] redisCliHello() {
        return latin1("*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$7\r\ndefault\r\n$6\r\nsecret\r\n");
    }

    /** redis-cli 7.0.15, the command after AUTH in {@code redis-cli --user app --pass s3cr3t GET k}. */
    static byte[] redisCliGet() {
        return latin1("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    }
}
