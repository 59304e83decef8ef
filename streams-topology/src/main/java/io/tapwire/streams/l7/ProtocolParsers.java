package io.tapwire.streams.l7;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import io.tapwire.schemas.raw.L7Protocol;
import io.tapwire.streams.l7.dns.DnsParserFactory;
import io.tapwire.streams.l7.http.HttpParserFactory;
import io.tapwire.streams.l7.memcached.MemcachedParserFactory;
import io.tapwire.streams.l7.mysql.MysqlParserFactory;
import io.tapwire.streams.l7.parse.ProtocolParserFactory;
import io.tapwire.streams.l7.postgres.PostgresParserFactory;
import io.tapwire.streams.l7.redis.RedisParserFactory;

/** The parser of each protocol the capture classifies, by the kernel's protocol hint. */
public final class ProtocolParsers {

    private static final Map<L7Protocol, ProtocolParserFactory> BY_HINT = new EnumMap<>(L7Protocol.class);

    static {
        BY_HINT.put(L7Protocol.HTTP1, new HttpParserFactory());
        BY_HINT.put(L7Protocol.POSTGRES, new PostgresParserFactory());
        BY_HINT.put(L7Protocol.MYSQL, new MysqlParserFactory());
        BY_HINT.put(L7Protocol.REDIS, new RedisParserFactory());
        BY_HINT.put(L7Protocol.MEMCACHED, new MemcachedParserFactory());
        BY_HINT.put(L7Protocol.DNS, new DnsParserFactory());
    }

    private ProtocolParsers() {
    }

    /** The parser factory for a protocol hint; empty for protocols this build does not parse yet. */
    public static Optional<ProtocolParserFactory> forHint(L7Protocol hint) {
        return Optional.ofNullable(BY_HINT.get(hint));
    }

    /** The factory whose {@link ProtocolParserFactory#protocol()} token this is; empty for an unknown token. */
    public static Optional<ProtocolParserFactory> forToken(String token) {
        return BY_HINT.values().stream().filter(f -> f.protocol().equals(token)).findFirst();
    }
}
