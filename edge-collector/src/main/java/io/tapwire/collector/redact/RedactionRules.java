package io.tapwire.collector.redact;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which credentials the edge collector masks in captured L7 payloads before they leave the node; validated when
 * built, so a bad value fails at start-up. See {@link Redactor} for what each rule masks.
 *
 * @param enabled           false: nothing is masked, whatever the other fields say
 * @param httpHeaders       HTTP/1.x header field names whose values are masked, in both directions (compared
 *                          case-insensitively); empty switches the HTTP rule off
 * @param postgresPasswords mask the body of PostgreSQL password-family ({@code 'p'}) messages clients send
 * @param mysqlAuth         mask the authentication packets MySQL and MariaDB clients send
 * @param redisAuth         mask the arguments of Redis {@code AUTH} and of the {@code AUTH} option of {@code HELLO}
 * @param patterns          more rules for every protocol and direction: each match is masked, or only its group 1
 *                          when the pattern has a capturing group; the bytes are read as ISO-8859-1 (one char per
 *                          byte); empty: none
 */
public record RedactionRules(boolean enabled, List<String> httpHeaders, boolean postgresPasswords, boolean mysqlAuth,
                             boolean redisAuth, List<Pattern> patterns) {

    private static final List<String> DEFAULT_HTTP_HEADERS =
            List.of("Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization");

    public RedactionRules {
        Objects.requireNonNull(httpHeaders, "httpHeaders");
        Objects.requireNonNull(patterns, "patterns");
        httpHeaders = List.copyOf(httpHeaders);
        patterns = List.copyOf(patterns);
        for (String name : httpHeaders) {
            if (!isFieldName(name)) {
                throw new IllegalArgumentException("redaction HTTP header '" + name
                        + "' is not a header field name (letters, digits and !#$%&'*+-.^_`|~ only, RFC 9110 §5.6.2)");
            }
        }
    }

    /** Everything on: the HTTP headers Authorization, Cookie, Set-Cookie and Proxy-Authorization; no patterns. */
    public static RedactionRules defaults() {
        return new RedactionRules(true, DEFAULT_HTTP_HEADERS, true, true, true, List.of());
    }

    /** Nothing masked. */
    public static RedactionRules disabled() {
        return new RedactionRules(false, List.of(), false, false, false, List.of());
    }

    private static boolean isFieldName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alphanumeric = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
