package io.tapwire.collector.records;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import io.tapwire.collector.bpf.L7RingRecord;

import static io.tapwire.collector.bpf.L7RingRecord.PROTO_DNS;
import static io.tapwire.collector.bpf.L7RingRecord.PROTO_HTTP1;
import static io.tapwire.collector.bpf.L7RingRecord.PROTO_MYSQL;
import static io.tapwire.collector.bpf.L7RingRecord.PROTO_POSTGRES;
import static io.tapwire.collector.bpf.L7RingRecord.PROTO_REDIS;
import static io.tapwire.collector.bpf.L7RingRecord.ROLE_CLIENT;
import static io.tapwire.collector.bpf.L7RingRecord.ROLE_SERVER;
import static io.tapwire.collector.bpf.L7RingRecord.ROLE_UNKNOWN;
import static io.tapwire.collector.bpf.L7RingRecord.SYS_READ;
import static io.tapwire.collector.bpf.L7RingRecord.SYS_RECVFROM;
import static io.tapwire.collector.bpf.L7RingRecord.SYS_SENDTO;
import static io.tapwire.collector.bpf.L7RingRecord.SYS_WRITE;
import static io.tapwire.collector.bpf.L7RingRecord.SYS_WRITEV;

/**
 * L7 ring-buffer records of real traffic (the captures under {@code src/test/resources/captures}), both ends of each
 * connection on loopback, as the collector sees them: every write once from the writer and once from the reader,
 * with the stream offsets and TCP sequence numbers that join them. Public for the benchmarks, which replay the same
 * records.
 */
public final class L7Traffic {

    private static final byte[] LOOPBACK = {127, 0, 0, 1};
    private static final byte[] LOOPBACK_V6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] LOOPBACK_V4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0,
        0, 1};

    private L7Traffic() {
    }

    /**
     * One request of the L7 capture benchmark (bin/run-benchmark-l7): hey fetching nginx's 600-byte static file on a
     * kept-alive connection. Five records: hey's write, nginx's recvfrom, nginx's writev of the response head, its
     * sendfile of the body (size only), hey's read of head and body.
     */
    public static List<byte[]> nginxStaticRequest() {
        List<byte[]> records = new ArrayList<>();
        Connection c = new Connection(PROTO_HTTP1, 1_700_001,
                new End(5001, 5003, "hey", 1_750_000, 1_900_001, 6, 41_000),
                new End(4001, 4001, "nginx", 1_700_000, 1_900_002, 5, 18_391));
        c.offset(12 * 122L, 12 * 839L);
        c.request(records, SYS_WRITE, SYS_RECVFROM, capture("http/hey-get-static.request"));
        c.serverSends(records, SYS_WRITEV, capture("http/nginx-static.response-head"));
        c.serverSendsFile(records, 600);
        c.clientReceives(records, SYS_READ, capture("http/hey-get-static.response"));
        return records;
    }

    /**
     * A mix of what a service node sees: HTTP requests from 122 to 355 bytes with and without credentials (Basic and
     * Bearer authorization, cookies), their responses (one longer than the head, so with a tail; one setting a
     * cookie; one body by sendfile), a PostgreSQL query and its result rows, and Redis SET and GET with replies.
     * 30 records.
     */
    public static List<byte[]> mixed() {
        List<byte[]> records = new ArrayList<>(nginxStaticRequest());

        Connection api = new Connection(PROTO_HTTP1, 1_700_002,
                new End(5101, 5101, "curl", 1_750_100, 1_900_011, 5, 41_010),
                new End(4001, 4001, "nginx", 1_700_000, 1_900_012, 3, 18_391));
        api.request(records, SYS_SENDTO, SYS_RECVFROM, capture("http/curl-basic-auth-cookie.request"));
        api.serverSends(records, SYS_WRITEV, capture("http/nginx-api.response"));
        api.clientReceives(records, SYS_RECVFROM, capture("http/nginx-api.response"));

        Connection browser = new Connection(PROTO_HTTP1, 1_700_003,
                new End(5201, 5201, "curl", 1_750_200, 1_900_021, 5, 41_020),
                new End(4001, 4001, "nginx", 1_700_000, 1_900_022, 3, 18_391));
        browser.request(records, SYS_SENDTO, SYS_RECVFROM, capture("http/browser-cookie.request"));
        browser.serverSends(records, SYS_WRITEV, capture("http/nginx-orders.response-head"));
        browser.serverSendsFile(records, 1842);
        browser.clientReceives(records, SYS_RECVFROM, capture("http/orders.response"));

        Connection login = new Connection(PROTO_HTTP1, 1_700_004,
                new End(5301, 5301, "curl", 1_750_300, 1_900_031, 5, 41_030),
                new End(4001, 4001, "nginx", 1_700_000, 1_900_032, 3, 18_391));
        login.request(records, SYS_SENDTO, SYS_RECVFROM, capture("http/curl-bearer-post.request"));
        login.serverSends(records, SYS_WRITEV, capture("http/nginx-login.response"));
        login.clientReceives(records, SYS_RECVFROM, capture("http/nginx-login.response"));

        Connection postgres = new Connection(PROTO_POSTGRES, 1_700_005,
                new End(5401, 5401, "psql", 1_750_400, 1_900_041, 3, 41_040),
                new End(4401, 4401, "postgres", 1_700_400, 1_900_042, 10, 5432));
        postgres.offset(171, 412);
        postgres.request(records, SYS_SENDTO, SYS_RECVFROM, capture("postgres/psql-query.request"));
        postgres.serverSends(records, SYS_SENDTO, capture("postgres/query.response"));
        postgres.clientReceives(records, SYS_RECVFROM, capture("postgres/query.response"));

        Connection redis = new Connection(PROTO_REDIS, 1_700_006,
                new End(5501, 5501, "redis-cli", 1_750_500, 1_900_051, 3, 41_050),
                new End(4501, 4501, "redis-server", 1_700_500, 1_900_052, 8, 6379));
        redis.request(records, SYS_SENDTO, SYS_READ, capture("redis/redis-cli-set.request"));
        redis.serverSends(records, SYS_WRITE, capture("redis/set.reply"));
        redis.clientReceives(records, SYS_RECVFROM, capture("redis/set.reply"));
        redis.request(records, SYS_SENDTO, SYS_READ, capture("redis/redis-cli-get.request"));
        redis.serverSends(records, SYS_WRITE, capture("redis/get.reply"));
        redis.clientReceives(records, SYS_RECVFROM, capture("redis/get.reply"));
        return records;
    }

    /**
     * Records that take the mapper's other branches: credentials of each protocol (Redis AUTH, a PostgreSQL
     * password, a MySQL handshake and the query after it), a socket older than the collector (role unknown), IPv6
     * and v4-mapped sockets, a DNS query over UDP, and a head and tail smaller than the defaults.
     */
    public static List<byte[]> otherBranches() {
        List<byte[]> records = new ArrayList<>();
        Connection redis = new Connection(PROTO_REDIS, 1_700_011,
                new End(5601, 5601, "redis-cli", 1_750_600, 1_900_061, 3, 41_060),
                new End(4501, 4501, "redis-server", 1_700_500, 1_900_062, 9, 6379));
        redis.request(records, SYS_SENDTO, SYS_READ, capture("redis/redis-cli-auth.request"));

        Connection postgres = new Connection(PROTO_POSTGRES, 1_700_012,
                new End(5701, 5701, "psql", 1_750_700, 1_900_071, 3, 41_070),
                new End(4401, 4401, "postgres", 1_700_400, 1_900_072, 11, 5432));
        postgres.offset(84, 24);
        postgres.request(records, SYS_SENDTO, SYS_RECVFROM, capture("postgres/psql-cleartext-password.request"));

        Connection mysql = new Connection(PROTO_MYSQL, 1_700_013,
                new End(5801, 5801, "mariadb", 1_750_800, 1_900_081, 3, 41_080),
                new End(4801, 4801, "mariadbd", 1_700_800, 1_900_082, 20, 3306));
        mysql.offset(0, 95);
        mysql.request(records, SYS_WRITE, SYS_READ, capture("mysql/mariadb-handshake-response.request"));
        mysql.request(records, SYS_WRITE, SYS_READ, capture("mysql/mariadb-select1.request"));

        // Older than the collector: the kernel did not see the connect or the accept.
        Connection old = new Connection(PROTO_HTTP1, 1_700_014,
                new End(5901, 5901, "curl", 1_750_900, 1_900_091, 5, 41_090),
                new End(4001, 4001, "nginx", 1_700_000, 1_900_092, 7, 18_391));
        old.roles(ROLE_UNKNOWN, ROLE_UNKNOWN);
        old.offset(3_000, 90_000);
        old.request(records, SYS_SENDTO, SYS_RECVFROM, capture("http/curl-basic-auth-cookie.request"));
        old.serverSends(records, SYS_WRITEV, capture("http/nginx-login.response"));

        Connection v6 = new Connection(PROTO_HTTP1, 1_700_015,
                new End(6001, 6001, "curl", 1_751_000, 1_900_101, 5, 41_100),
                new End(4001, 4001, "nginx", 1_700_000, 1_900_102, 12, 18_391));
        v6.addresses(LOOPBACK_V6);
        v6.request(records, SYS_SENDTO, SYS_RECVFROM, capture("http/curl-bearer-post.request"));

        Connection mapped = new Connection(PROTO_HTTP1, 1_700_016,
                new End(6101, 6101, "java", 1_751_100, 1_900_111, 40, 41_110),
                new End(4001, 4001, "nginx", 1_700_000, 1_900_112, 13, 18_391));
        mapped.addresses(LOOPBACK_V4_MAPPED);
        mapped.capture(96, 16);
        mapped.request(records, SYS_WRITE, SYS_RECVFROM, capture("http/browser-cookie.request"));
        mapped.clientReceives(records, SYS_READ, capture("http/orders.response"));

        records.add(new L7RingRecord().task(6201, 6201, "dig", 1_751_200)
                .time(17_000_170_000_000L, 9_000)
                .socket(1_900_121, 6, LOOPBACK, 51_234, LOOPBACK, 53)
                .role(ROLE_CLIENT).protocol(PROTO_DNS).udp()
                .send(SYS_SENDTO, capture("dns/dig-query.request"), 0, 0)
                .bytes());
        return records;
    }

    /** The bytes of one capture under src/test/resources/captures. */
    public static byte[] capture(String path) {
        try (InputStream in = L7Traffic.class.getResourceAsStream("/captures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no capture " + path + " on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One end of a connection: its process and thread, its socket and fd, its port. */
    private record End(int pid, int tid, String comm, long startTicks, long inode, int fd, int port) {
    }

    /**
     * One TCP connection seen from both ends: each call adds the record of the end that made it, with the stream
     * offset and sequence number of its direction. Time advances 15 µs per record.
     */
    private static final class Connection {

        private final int protocol;
        private final End client;
        private final End server;
        private long timeNs;
        private int clientRole = ROLE_CLIENT;
        private int serverRole = ROLE_SERVER;
        private byte[] address = LOOPBACK;
        private int headBytes = 1024;
        private int tailBytes = 64;
        /** Per direction (0: client to server, 1: server to client): bytes written and bytes read so far. */
        private final long[] written = new long[2];
        private final long[] read = new long[2];
        private final long[] initialSequence;

        Connection(int protocol, long start, End client, End server) {
            this.protocol = protocol;
            this.client = client;
            this.server = server;
            this.timeNs = start * 10_000_000L;
            this.initialSequence = new long[] {(client.inode() * 2_654_435_761L) & 0xFFFF_FFFFL,
                (server.inode() * 40_503L) & 0xFFFF_FFFFL};
        }

        void offset(long clientToServer, long serverToClient) {
            written[0] = read[0] = clientToServer;
            written[1] = read[1] = serverToClient;
        }

        void roles(int clientRole, int serverRole) {
            this.clientRole = clientRole;
            this.serverRole = serverRole;
        }

        void addresses(byte[] address) {
            this.address = address;
        }

        void capture(int headBytes, int tailBytes) {
            this.headBytes = headBytes;
            this.tailBytes = tailBytes;
        }

        void request(List<byte[]> records, int clientSyscall, int serverSyscall, byte[] data) {
            records.add(end(client, clientRole).send(clientSyscall, data, written[0], sequence(0, written[0])).bytes());
            written[0] += data.length;
            records.add(end(server, serverRole).receive(serverSyscall, data, read[0], sequence(0, read[0])).bytes());
            read[0] += data.length;
        }

        void serverSends(List<byte[]> records, int syscall, byte[] data) {
            records.add(end(server, serverRole).send(syscall, data, written[1], sequence(1, written[1])).bytes());
            written[1] += data.length;
        }

        void serverSendsFile(List<byte[]> records, long count) {
            records.add(end(server, serverRole).sendFile(count, written[1], sequence(1, written[1])).bytes());
            written[1] += count;
        }

        void clientReceives(List<byte[]> records, int syscall, byte[] data) {
            records.add(end(client, clientRole).receive(syscall, data, read[1], sequence(1, read[1])).bytes());
            read[1] += data.length;
        }

        private long sequence(int direction, long offset) {
            return (initialSequence[direction] + 1 + offset) & 0xFFFF_FFFFL;
        }

        private L7RingRecord end(End end, int role) {
            End other = end == client ? server : client;
            timeNs += 15_000;
            return new L7RingRecord().task(end.pid(), end.tid(), end.comm(), end.startTicks())
                    .time(timeNs, 6_000)
                    .socket(end.inode(), end.fd(), address, end.port(), address, other.port())
                    .role(role).protocol(protocol).capture(headBytes, tailBytes);
        }
    }
}
