package io.tapwire.streams.l7.sql;

import java.util.Locale;

/**
 * The operation of a SQL statement: its first keyword, upper-cased (SELECT, INSERT, BEGIN, WITH…). Leading white
 * space, semicolons, opening parentheses ({@code (SELECT …) UNION …}) and comments are passed over, since ORMs and
 * poolers often prefix statements with a comment. Comments are {@code -- …} to the end of the line and
 * {@code /* … *}{@code /} in every dialect; MySQL also takes {@code #} to the end of the line for one.
 */
public final class SqlKeyword {

    /** PostgreSQL's comments: the standard ones. */
    public static final SqlKeyword POSTGRES = new SqlKeyword(false);
    /** MySQL's and MariaDB's comments: the standard ones and {@code #}. */
    public static final SqlKeyword MYSQL = new SqlKeyword(true);

    /** Longer words are cut: a keyword is never this long, and the label must stay small. */
    private static final int MAX_LENGTH = 32;

    private final boolean hashComments;

    private SqlKeyword(boolean hashComments) {
        this.hashComments = hashComments;
    }

    /** The first keyword of {@code sql}, or null when it has none (an empty query, a statement of symbols). */
    public String of(String sql) {
        if (sql == null) {
            return null;
        }
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(' || c == ';') {
                i++;
            } else if ((hashComments && c == '#') || (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-')) {
                int newline = sql.indexOf('\n', i);
                i = newline < 0 ? n : newline + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && i - start < MAX_LENGTH && isWordChar(sql.charAt(i))) {
            i++;
        }
        return i == start ? null : sql.substring(start, i).toUpperCase(Locale.ROOT);
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }
}
