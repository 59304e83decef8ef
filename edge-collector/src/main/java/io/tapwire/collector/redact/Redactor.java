package io.tapwire.collector.redact;

import io.tapwire.collector.l7.L7Protocol;

/**
 * Masks credentials in the captured bytes of one socket read or write before anything leaves the node: each secret
 * byte is overwritten with {@code '*'} in place, so every length and stream offset stays true and the stream side
 * still frames the connection. Rules, each switched by {@link RedactionRules}:
 * <ul>
 *   <li>HTTP/1.x, both directions: the values of the configured header fields (by default Authorization, Cookie,
 *       Set-Cookie, Proxy-Authorization), in every header block of the head and on every such line of the tail;
 *       see {@link HttpHeaderRedaction} for bodies and for values split between head and tail;</li>
 *   <li>PostgreSQL, client direction: the body of password-family messages ({@code 'p'}: password, MD5, SASL,
 *       GSSAPI);</li>
 *   <li>MySQL/MariaDB, client direction: authentication packets (sequence id other than 0) but for the 32 fixed
 *       bytes that open a handshake response, and COM_CHANGE_USER after its command byte;</li>
 *   <li>Redis, client direction: the arguments of {@code AUTH} and the user and password of {@code HELLO ... AUTH},
 *       in RESP arrays and inline commands, leaving the RESP framing as it was;</li>
 *   <li>patterns, every protocol and direction: configured regexes over the head and the tail.</li>
 * </ul>
 * The binary protocols are walked by their length fields from the head's start on into the tail, so several
 * messages in one syscall (pipelining) are all looked at, and a secret whose length runs past the head is masked
 * to the head's end and, where it lies there, in the tail. Input that does not follow the protocol never throws:
 * a rule masks what it recognised and stops.
 *
 * <p>Cost, on the collector's poll thread for every L7 event: a protocol without rules and no patterns, or a call
 * with no bytes kept (sendfile), costs a switch and nothing else; otherwise one small object per call, then HTTP a
 * pass over the head looking for line ends with a table lookup per line, PostgreSQL and MySQL a look at each message
 * header, Redis a look at each array and bulk header (bulk contents are jumped over), patterns a regex search each
 * over head and tail (none by default).
 * Immutable and thread-safe.
 */
public final class Redactor {

    private final boolean enabled;
    private final Redaction http;
    private final Redaction postgres;
    private final Redaction mysql;
    private final Redaction redis;
    private final Redaction patterns;

    public Redactor(RedactionRules rules) {
        this.enabled = rules.enabled();
        this.http = rules.httpHeaders().isEmpty() ? null : new HttpHeaderRedaction(rules.httpHeaders());
        this.postgres = rules.postgresPasswords() ? new PostgresPasswordRedaction() : null;
        this.mysql = rules.mysqlAuth() ? new MysqlAuthRedaction() : null;
        this.redis = rules.redisAuth() ? new RedisAuthRedaction() : null;
        this.patterns = rules.patterns().isEmpty() ? null : new PatternRedaction(rules.patterns());
    }

    /** The rules of {@link RedactionRules#defaults()}. */
    public static Redactor defaults() {
        return new Redactor(RedactionRules.defaults());
    }

    /**
     * Masks credentials in place; returns the number of bytes masked (0 when nothing matched). A byte is counted once
     * however many rules masked it; a byte that already was {@code '*'} is not counted.
     *
     * @param protocol   the kernel's protocol hint; null counts as {@link L7Protocol#UNKNOWN}
     * @param fromClient true when the client side of the connection sent the bytes (a request), false for the server
     * @param count      bytes the syscall moved; the head holds positions {@code [0, headLength)} of them, the tail
     *                   {@code [count - tailLength, count)}. A count below {@code headLength + tailLength} is taken
     *                   as that sum
     * @param head       the first bytes; only {@code [0, headLength)} is read and written
     * @param headLength bytes of {@code head} that are data, cut to {@code head.length} and to 0 or more
     * @param tail       the last bytes when the data is longer than the head (never overlapping it); may be empty or
     *                   null
     * @param tailLength bytes of {@code tail} that are data, cut like headLength
     */
    public int redact(L7Protocol protocol, boolean fromClient, long count, byte[] head, int headLength, byte[] tail,
                      int tailLength) {
        if (!enabled) {
            return 0;
        }
        Redaction rule = ruleFor(protocol == null ? L7Protocol.UNKNOWN : protocol, fromClient);
        if (rule == null && patterns == null || nothingKept(head, headLength, tail, tailLength)) {
            return 0;
        }
        CapturedPayload payload = new CapturedPayload(count, head, headLength, tail, tailLength);
        if (rule != null) {
            rule.redact(payload);
        }
        if (patterns != null) {
            patterns.redact(payload);
        }
        return payload.masked();
    }

    /** No byte to look at (sendfile, splice, an empty read): no rule can mask anything. */
    private static boolean nothingKept(byte[] head, int headLength, byte[] tail, int tailLength) {
        return (head == null || headLength <= 0 || head.length == 0)
                && (tail == null || tailLength <= 0 || tail.length == 0);
    }

    /** The protocol's own rule for the direction, or null: the database and Redis rules know only what clients send. */
    private Redaction ruleFor(L7Protocol protocol, boolean fromClient) {
        return switch (protocol) {
            case HTTP1 -> http;
            case POSTGRES -> fromClient ? postgres : null;
            case MYSQL -> fromClient ? mysql : null;
            case REDIS -> fromClient ? redis : null;
            case UNKNOWN, MEMCACHED, DNS -> null;
        };
    }
}
