package io.tapwire.streams.l7.memcached;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One request line of memcached's text protocol (protocol.txt in the memcached sources), decoded as far as the parser
 * needs: the command, its first key, the length of the data block that follows (storage commands and meta set), and
 * whether a response comes (none with {@code noreply}, none for {@code quit}; quiet meta commands answer only some
 * outcomes).
 *
 * @param name       the command as sent ("get", "set", "mg"…); null when it is no command memcached knows (it answers
 *                   ERROR)
 * @param key        the first key; null when the command has none
 * @param dataLength bytes of the data block after the line (without its CR LF); -1 when none follows
 * @param noReply    no response comes
 * @param quiet      a meta command with the q flag: its response is left out when it would report the usual outcome
 */
record MemcachedCommand(String name, String key, long dataLength, boolean noReply, boolean quiet) {

    /** memcached's longest key is 250 bytes; longer "keys" are garbage and are cut to keep labels bounded. */
    private static final int MAX_KEY = 250;

    private static final Set<String> RETRIEVAL = Set.of("get", "gets", "gat", "gats");
    private static final Set<String> STORAGE = Set.of("set", "add", "replace", "append", "prepend", "cas");
    private static final Set<String> META = Set.of("mg", "ms", "md", "ma", "mn", "me");
    private static final Set<String> OTHER = Set.of("incr", "decr", "touch", "delete",
            "flush_all", "version", "stats", "verbosity", "quit", "shutdown", "cache_memlimit", "lru_crawler", "slabs",
            "lru", "watch", "misbehave", "debugtime", "extstore", "mn");
    /** Commands whose last argument may be {@code noreply} (the rest ignore it, or treat it as a key). */
    private static final Set<String> NOREPLY = Set.of("set", "add", "replace", "append", "prepend", "cas", "incr",
            "decr", "touch", "delete", "flush_all", "verbosity", "cache_memlimit");

    /** True when {@code word} is a command memcached knows. */
    static boolean isCommand(String word) {
        return RETRIEVAL.contains(word) || STORAGE.contains(word) || META.contains(word) || OTHER.contains(word);
    }

    /**
     * The command of a request line (without its line end). {@code complete} is false for a line the capture cut:
     * its last token may be cut too, so it is not read; null for a cut line other than a get's.
     */
    static MemcachedCommand decode(byte[] line, boolean complete) {
        String[] tokens = new String(line, StandardCharsets.ISO_8859_1).split(" +", 26);
        int usable = complete ? tokens.length : tokens.length - 1;
        String name = usable > 0 ? tokens[0] : "";
        if (!complete && !RETRIEVAL.contains(name)) {
            // only a multi-key get outgrows the captured head; any other line cut short may have lost what the framing
            // needs (its data length, noreply, the q flag)
            return null;
        }
        if (!isCommand(name)) {
            return new MemcachedCommand(null, null, -1, false, false);
        }
        String key = switch (name) {
            case "gat", "gats" -> token(tokens, usable, 2);
            case "mn", "version", "stats", "flush_all", "verbosity", "quit", "shutdown", "cache_memlimit",
                    "lru_crawler", "slabs", "lru", "watch", "misbehave", "debugtime", "extstore" -> null;
            default -> token(tokens, usable, 1);
        };
        if (key != null && key.length() > MAX_KEY) {
            key = key.substring(0, MAX_KEY);
        }
        long dataLength = -1;
        if (STORAGE.contains(name) || name.equals("ms")) {
            String length = token(tokens, usable, name.equals("ms") ? 2 : 4);
            if (length == null) {
                return new MemcachedCommand(name, key, -1, false, false);
            }
            // memcached refuses a length that is no number and then reads the data block as a command line
            dataLength = parseLength(length);
        }
        boolean noReply = name.equals("quit") || (NOREPLY.contains(name) && tokens[tokens.length - 1].equals("noreply"));
        boolean quiet = false;
        if (META.contains(name)) {
            for (int i = name.equals("ms") ? 3 : 2; i < usable; i++) {
                quiet |= tokens[i].equals("q");
            }
        }
        return new MemcachedCommand(name, key, dataLength, noReply, quiet);
    }

    /**
     * True when a quiet {@code command} cannot be what a response starting with {@code code} answers: quiet mode
     * leaves that code out for it (its usual outcome, protocol.txt "q" flag), or the command never sends it (only mn
     * answers MN, which ends a quiet batch). Errors can answer any command.
     */
    static boolean quietSkips(String command, String code) {
        return switch (command) {
            case "mg" -> !code.equals("VA") && !code.equals("HD") && !isError(code);
            case "ms" -> !code.equals("NS") && !code.equals("EX") && !code.equals("NF") && !isError(code);
            case "md" -> !code.equals("EX") && !isError(code);
            case "ma" -> !code.equals("VA") && !code.equals("NS") && !code.equals("EX") && !isError(code);
            case "me" -> !code.equals("ME") && !isError(code);
            default -> false;
        };
    }

    private static boolean isError(String code) {
        return code.equals("ERROR") || code.equals("CLIENT_ERROR") || code.equals("SERVER_ERROR");
    }

    private static String token(String[] tokens, int usable, int index) {
        return index < usable && !tokens[index].isEmpty() ? tokens[index] : null;
    }

    private static long parseLength(String token) {
        if (token.isEmpty() || token.length() > 10) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= Integer.MAX_VALUE - 2 ? value : -1;
    }
}
