package io.tapwire.streams.l7.normalize;

import io.tapwire.streams.l7.normalize.SqlLexer.Token;

/**
 * A SQL statement as a low-cardinality label: the same statement with other values gives the same text, so that
 * request metrics and span names stay a bounded set even when applications inline their values. Literal values become
 * {@code ?} and what only varies with the data is folded:
 * <ul>
 * <li>strings, numbers (with their sign where it cannot be a minus) and dollar-quoted bodies → {@code ?};
 * {@code TRUE}, {@code FALSE} and {@code NULL} stay: they are keywords and say something about the query's shape;</li>
 * <li>parameters ({@code $1}, {@code ?}, {@code :name}) and names with digits ({@code t1}, {@code u1_0}) stay as
 * written;</li>
 * <li>{@code IN (…)} whose items are all values or parameters → {@code IN (?)}, since its length varies with the data
 * (an IN list of subqueries, tuples or expressions stays). Parameters go too: {@code IN ($1, $2, $3)} becomes
 * {@code IN (?)}, though the numbers of later parameters still tell list lengths apart;</li>
 * <li>a multi-row {@code VALUES (…), (…)} (or MySQL's {@code VALUE}) → its first row only, as the row count varies
 * with the batch;</li>
 * <li>comments (hints and MySQL's {@code /*!…*}{@code /} included) are dropped, white space runs and comments become
 * one space, the text is trimmed;</li>
 * <li>the result is at most {@link #maxLength()} characters, cut with {@code …}.</li>
 * </ul>
 * Keywords keep the case they were written in, so that the label reads as the statement does in the application's
 * code, where one searches for it; an application writes a given statement one way, so this costs no cardinality.
 * Normalising a normalised statement changes nothing (unless it was cut), so a label normalised upstream is safe.
 *
 * <p>A statement cut short by the capture (its payload is shipped up to a size) is normalised as far as it goes: an
 * unterminated string or comment runs to the end, and an IN list of values cut short becomes {@code IN (?}.
 *
 * <p>The dialect decides how the text is cut into tokens (see {@link SqlLexer}). One pass, no regular expressions,
 * one buffer of at most {@code maxLength + 1} characters: it runs on every request record. Instances are immutable and
 * safe to share.
 */
public final class StatementNormalizer {

    /** Long enough for the statements ORMs write, short enough for a label and a span name. */
    public static final int DEFAULT_MAX_LENGTH = 1024;

    /** PostgreSQL with its default settings ({@code standard_conforming_strings} on). */
    public static final StatementNormalizer POSTGRES = new StatementNormalizer(false, DEFAULT_MAX_LENGTH);
    /** MySQL and MariaDB with their default SQL mode ({@code "…"} is a string, backslashes escape). */
    public static final StatementNormalizer MYSQL = new StatementNormalizer(true, DEFAULT_MAX_LENGTH);

    static final String CUT = "…";
    private static final int MAX_MAX_LENGTH = 1 << 20;

    private final boolean mysql;
    private final int maxLength;

    private StatementNormalizer(boolean mysql, int maxLength) {
        this.mysql = mysql;
        this.maxLength = maxLength;
    }

    /** The same dialect with results cut to {@code maxLength} characters (the {@code …} included). */
    public StatementNormalizer withMaxLength(int maxLength) {
        if (maxLength < 1 || maxLength > MAX_MAX_LENGTH) {
            throw new IllegalArgumentException("the maximum length of a normalised statement must be from 1 to "
                    + MAX_MAX_LENGTH + ", not " + maxLength);
        }
        return new StatementNormalizer(mysql, maxLength);
    }

    public int maxLength() {
        return maxLength;
    }

    /** {@code sql} normalised; null for null, empty when it holds only white space and comments. */
    public String normalize(String sql) {
        if (sql == null) {
            return null;
        }
        return new Pass(sql).run();
    }

    /** Where the pass is in {@code IN (…)}. */
    private enum InList { NONE, KEYWORD, OPEN, VALUE }

    /** Where the pass is in {@code VALUES (…), (…)}. */
    private enum Rows { NONE, KEYWORD, FIRST, AFTER_ROW, COMMA, SKIPPED_ROW }

    /** One statement's normalisation: the cursor, the output and the two folding state machines. */
    private final class Pass {

        private final String sql;
        private final SqlLexer lexer;
        private final StringBuilder out;
        /** One more than the maximum, to know whether to cut. */
        private final int limit;
        private boolean space;

        private InList inList = InList.NONE;
        /** Output length just after the IN list's opening parenthesis. */
        private int inListMark;

        private Rows rows = Rows.NONE;
        private int depth;
        private boolean spaceBeforeComma;

        Pass(String sql) {
            this.sql = sql;
            this.lexer = new SqlLexer(sql, mysql);
            this.limit = maxLength + 1;
            this.out = new StringBuilder(Math.min(sql.length(), limit));
        }

        String run() {
            for (Token token = lexer.next(); token != Token.END; token = lexer.next()) {
                if (token == Token.SPACE) {
                    space = true;
                } else if (!skipRow()) {
                    emit(token);
                    foldInList(token);
                    trackRows(token);
                }
            }
            if (inList == InList.VALUE || inList == InList.OPEN && out.length() > inListMark) {
                out.setLength(inListMark);
                space = false;
                append("?");
            }
            return capped();
        }

        /** Whether the token belongs to a row after the first of a VALUES list, and so is dropped. */
        private boolean skipRow() {
            switch (rows) {
                case SKIPPED_ROW -> {
                    if (lexer.isSymbol('(')) {
                        depth++;
                    } else if (lexer.isSymbol(')') && --depth == 0) {
                        rows = Rows.AFTER_ROW;
                        space = false;
                    }
                    return true;
                }
                case AFTER_ROW -> {
                    if (lexer.isSymbol(',')) {
                        // Held back until the next token shows whether another row follows.
                        spaceBeforeComma = space;
                        space = false;
                        rows = Rows.COMMA;
                        return true;
                    }
                    rows = Rows.NONE;
                    return false;
                }
                case COMMA -> {
                    if (lexer.isSymbol('(')) {
                        rows = Rows.SKIPPED_ROW;
                        depth = 1;
                        space = false;
                        return true;
                    }
                    boolean spaceAfterComma = space;
                    space = spaceBeforeComma;
                    append(",");
                    space = spaceAfterComma;
                    rows = Rows.NONE;
                    return false;
                }
                default -> {
                    return false;
                }
            }
        }

        private void emit(Token token) {
            if (token == Token.STRING || token == Token.NUMBER) {
                append("?");
            } else {
                append(sql, lexer.start(), lexer.end());
            }
        }

        private void foldInList(Token token) {
            boolean value = token == Token.STRING || token == Token.NUMBER || token == Token.PLACEHOLDER;
            switch (inList) {
                case KEYWORD -> {
                    inList = lexer.isSymbol('(') ? InList.OPEN : InList.NONE;
                    inListMark = out.length();
                }
                case OPEN -> inList = value ? InList.VALUE : InList.NONE;
                case VALUE -> {
                    if (lexer.isSymbol(',')) {
                        inList = InList.OPEN;
                    } else {
                        if (lexer.isSymbol(')')) {
                            out.setLength(inListMark);
                            append("?)");
                        }
                        inList = InList.NONE;
                    }
                }
                default -> {
                }
            }
            if (token == Token.WORD && lexer.isKeyword("IN")) {
                inList = InList.KEYWORD;
            }
        }

        private void trackRows(Token token) {
            switch (rows) {
                case KEYWORD -> {
                    rows = lexer.isSymbol('(') ? Rows.FIRST : Rows.NONE;
                    depth = 1;
                }
                case FIRST -> {
                    if (lexer.isSymbol('(')) {
                        depth++;
                    } else if (lexer.isSymbol(')') && --depth == 0) {
                        rows = Rows.AFTER_ROW;
                    }
                }
                default -> {
                }
            }
            if (token == Token.WORD && (lexer.isKeyword("VALUES") || mysql && lexer.isKeyword("VALUE"))) {
                rows = Rows.KEYWORD;
            }
        }

        private void append(CharSequence text) {
            append(text, 0, text.length());
        }

        /** Appends with the pending space, never past {@link #limit}. */
        private void append(CharSequence text, int from, int to) {
            if (space && !out.isEmpty() && out.length() < limit && !endsWithMysqlDashes()) {
                out.append(' ');
            }
            space = false;
            int room = limit - out.length();
            if (room > 0) {
                out.append(text, from, Math.min(to, from + room));
            }
        }

        /**
         * Whether the output ends with two minus signs in MySQL: they were no comment (no space followed them), and a
         * space after them would make one of the rest.
         */
        private boolean endsWithMysqlDashes() {
            int length = out.length();
            return mysql && length >= 2 && out.charAt(length - 1) == '-' && out.charAt(length - 2) == '-';
        }

        private String capped() {
            if (out.length() <= maxLength) {
                return out.toString();
            }
            int cut = maxLength - CUT.length();
            if (cut > 0 && Character.isHighSurrogate(out.charAt(cut - 1))) {
                cut--;
            }
            while (cut > 0 && out.charAt(cut - 1) == ' ') {
                cut--;
            }
            return out.substring(0, cut) + CUT;
        }
    }
}
