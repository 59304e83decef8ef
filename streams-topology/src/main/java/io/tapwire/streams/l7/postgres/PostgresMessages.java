package io.tapwire.streams.l7.postgres;

import java.nio.charset.StandardCharsets;

/**
 * Reads the fields the parser needs from message bodies (the bytes after the type and length; protocol 3.x "Message
 * Formats"). A body may be cut short where the capture stopped: strings then end where the bytes end, and missing
 * fields are empty, never an exception.
 */
final class PostgresMessages {

    private PostgresMessages() {
    }

    /** Query: the statement text. */
    static String queryText(byte[] body) {
        return cstring(body, 0);
    }

    /** Parse: the prepared statement's name ("" for the unnamed statement). */
    static String parseName(byte[] body) {
        return cstring(body, 0);
    }

    /** Parse: the statement text, after the name. */
    static String parseText(byte[] body) {
        return cstring(body, after(body, 0));
    }

    /** Bind: the destination portal ("" for the unnamed portal). */
    static String bindPortal(byte[] body) {
        return cstring(body, 0);
    }

    /** Bind: the source prepared statement, after the portal. */
    static String bindStatement(byte[] body) {
        return cstring(body, after(body, 0));
    }

    /** Execute: the portal. */
    static String executePortal(byte[] body) {
        return cstring(body, 0);
    }

    /** Close: 'S' for a prepared statement, 'P' for a portal; 0 when not captured. */
    static int closeKind(byte[] body) {
        return body.length > 0 ? body[0] & 0xFF : 0;
    }

    /** Close: the statement or portal name. */
    static String closeName(byte[] body) {
        return cstring(body, 1);
    }

    /**
     * ErrorResponse: "SQLSTATE message" from its fields 'C' (code) and 'M' (message), e.g. "22012 division by zero";
     * either may be missing when the capture cut the message.
     */
    static String errorDetail(byte[] body) {
        String code = null;
        String message = null;
        int at = 0;
        while (at < body.length && body[at] != 0) {
            int field = body[at];
            String value = cstring(body, at + 1);
            if (field == 'C') {
                code = value;
            } else if (field == 'M') {
                message = value;
            }
            at = after(body, at + 1);
        }
        if (code == null && message == null) {
            return null;
        }
        if (code == null || message == null) {
            return code == null ? message : code;
        }
        return code + " " + message;
    }

    /** The null-terminated string at {@code from}, or up to the end of the bytes when its end was not captured. */
    static String cstring(byte[] body, int from) {
        if (from >= body.length) {
            return "";
        }
        int end = from;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, from, end - from, StandardCharsets.UTF_8);
    }

    /** The index after the null-terminated string at {@code from}. */
    private static int after(byte[] body, int from) {
        int end = from;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return end + 1;
    }
}
