package io.tapwire.streams.l7.redis;

import java.util.Locale;
import java.util.Set;

/**
 * What a Redis request is called in an exchange: its command name, and its first key — never a value. The first key is
 * the first argument for most commands; the exceptions below would otherwise expose a credential or a value.
 */
final class RedisCommand {

    /** Commands whose first argument is a credential, a protocol version or a value, not a key. */
    private static final Set<String> NO_KEY = Set.of("AUTH", "HELLO", "PING", "ECHO", "SELECT", "INFO");
    /** Container commands whose first argument is a subcommand: CONFIG GET, CLIENT LIST, COMMAND DOCS… */
    private static final Set<String> CONTAINERS = Set.of("ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DEBUG",
            "FUNCTION", "LATENCY", "MODULE", "PUBSUB", "SCRIPT", "SLOWLOG");
    /** Container commands whose subcommand is followed by a key: OBJECT ENCODING key, XINFO STREAM key… */
    private static final Set<String> CONTAINERS_OF_KEYS = Set.of("MEMORY", "OBJECT", "XGROUP", "XINFO");
    /** Scripts and functions: {@code EVAL script numkeys key…}: the key is the fourth argument when numkeys > 0. */
    private static final Set<String> SCRIPTS = Set.of("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO");
    /** Commands after which a RESP2 connection receives pub/sub messages. */
    private static final Set<String> SUBSCRIBES = Set.of("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE");
    private static final int MAX_NAME = 32;

    private RedisCommand() {
    }

    /** The command name upper-cased, or null when it was not seen. */
    static String operation(RespMessage request) {
        String name = request.arg(0);
        if (name == null || name.isEmpty()) {
            return null;
        }
        name = name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
        return name.toUpperCase(Locale.ROOT);
    }

    /** The request's first key, or null when the command has none (or it was not seen). */
    static String resource(String operation, RespMessage request) {
        if (operation == null || NO_KEY.contains(operation) || CONTAINERS.contains(operation)) {
            return null;
        }
        if (CONTAINERS_OF_KEYS.contains(operation)) {
            return emptyAsNull(request.arg(2));
        }
        if (SCRIPTS.contains(operation)) {
            String numkeys = request.arg(2);
            return numkeys != null && !numkeys.isEmpty() && !numkeys.equals("0") && numkeys.chars().allMatch(
                    Character::isDigit) ? emptyAsNull(request.arg(3)) : null;
        }
        if (operation.equals("MIGRATE")) {
            return emptyAsNull(request.arg(3));
        }
        return emptyAsNull(request.arg(1));
    }

    static boolean isSubscribe(String operation) {
        return operation != null && SUBSCRIBES.contains(operation);
    }

    private static String emptyAsNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
