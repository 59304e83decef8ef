package io.tapwire.streams.l7.normalize;

/**
 * Cuts SQL text into the few kinds of token {@link StatementNormalizer} needs, without allocating: each call to
 * {@link #next()} leaves the token's span in {@link #start()} and {@link #end()}. It never fails: text cut in the
 * middle of a literal or comment (payloads are captured up to a size) ends that token at the end of the text.
 *
 * <p>The dialect rules it follows, from the PostgreSQL manual (§4.1 Lexical Structure) and MySQL's (§11.1 Literal
 * Values, §11.7 Comments), with the servers' default settings:
 * <ul>
 * <li>{@code '…'} is a string in both; {@code ''} is a quote inside it. PostgreSQL takes backslashes literally
 * ({@code standard_conforming_strings} is on since 9.1) except in {@code E'…'}; MySQL escapes with backslashes
 * unless {@code NO_BACKSLASH_ESCAPES} is set.</li>
 * <li>{@code "…"} names an identifier in PostgreSQL and is a string in MySQL (unless {@code ANSI_QUOTES} is set);
 * {@code `…`} names an identifier in MySQL.</li>
 * <li>PostgreSQL: {@code $tag$…$tag$} is a string, {@code $1} a parameter; {@code /* … *}{@code /} nests.</li>
 * <li>MySQL: {@code #} starts a comment, and {@code --} only when followed by white space or a control character
 * ({@code 5--1} is five minus minus one; {@code --} at the very end is no comment either).</li>
 * <li>{@code X'…'}, {@code B'…'}, {@code N'…'}, PostgreSQL's {@code U&'…'} and MySQL's character set introducer
 * ({@code _utf8mb4'…'}) are one string with their prefix.</li>
 * <li>A sign directly before a number is part of it when the token before the sign is an operator or an opening
 * parenthesis ({@code = -5}, {@code (-5}), so that positive and negative values read the same; after a name, a value
 * or a closing parenthesis it is a binary operator ({@code balance -5}).</li>
 * </ul>
 */
final class SqlLexer {

    enum Token {
        /** White space and comments: they only separate tokens. */
        SPACE,
        /** Keyword or unquoted identifier, digits and {@code $} included ({@code t1}, {@code a$b}). */
        WORD,
        /** Quoted identifier. */
        QUOTED_NAME,
        STRING,
        NUMBER,
        /** {@code ?}, {@code $1}, {@code :name}. */
        PLACEHOLDER,
        /** Any other single character. */
        SYMBOL,
        END
    }

    private final String sql;
    private final boolean mysql;
    private int pos;
    private int start;
    private int end;
    /**
     * The last token other than SPACE, its first character and its end: to tell a sign from a minus, and a dot that
     * qualifies a name from one that starts a number.
     */
    private Token previous = Token.END;
    private char previousChar;
    private int previousEnd = -1;

    SqlLexer(String sql, boolean mysql) {
        this.sql = sql;
        this.mysql = mysql;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    boolean isSymbol(char c) {
        return end - start == 1 && sql.charAt(start) == c;
    }

    /** Whether the token is the keyword {@code word} (given in upper case), in any case. */
    boolean isKeyword(String word) {
        return end - start == word.length() && sql.regionMatches(true, start, word, 0, word.length());
    }

    Token next() {
        start = pos;
        if (pos >= sql.length()) {
            end = pos;
            return Token.END;
        }
        Token token = scan();
        end = pos;
        if (token != Token.SPACE) {
            previous = token;
            previousChar = sql.charAt(start);
            previousEnd = end;
        }
        return token;
    }

    private Token scan() {
        int n = sql.length();
        char c = sql.charAt(pos);
        char next = pos + 1 < n ? sql.charAt(pos + 1) : 0;
        if (c <= ' ') {
            while (pos < n && sql.charAt(pos) <= ' ') {
                pos++;
            }
            return Token.SPACE;
        }
        if (c == '-' && next == '-' && (!mysql || pos + 2 < n && sql.charAt(pos + 2) <= ' ')
                || c == '#' && mysql) {
            int newline = sql.indexOf('\n', pos);
            pos = newline < 0 ? n : newline + 1;
            return Token.SPACE;
        }
        if (c == '/' && next == '*') {
            skipBlockComment();
            return Token.SPACE;
        }
        if (c == '\'') {
            return string('\'', mysql, pos + 1);
        }
        if (c == '"') {
            return mysql ? string('"', true, pos + 1) : quotedName('"');
        }
        if (c == '`' && mysql) {
            return quotedName('`');
        }
        if (isDigit(c) || c == '.' && isDigit(next) && !endsName(pos)) {
            return number();
        }
        if ((c == '-' || c == '+') && signPosition() && (isDigit(next) || next == '.' && pos + 2 < n
                && isDigit(sql.charAt(pos + 2)))) {
            pos++;
            return number();
        }
        if (c == '$' && !mysql) {
            return dollar();
        }
        if (c == '?') {
            pos++;
            return Token.PLACEHOLDER;
        }
        if (c == ':' && isWordStart(next) && !(pos > 0 && sql.charAt(pos - 1) == ':')) {
            pos++;
            skipWordChars();
            return Token.PLACEHOLDER;
        }
        if (isWordStart(c) || mysql && c == '$') {
            return word();
        }
        pos++;
        return Token.SYMBOL;
    }

    private Token word() {
        int wordStart = pos;
        skipWordChars();
        int n = sql.length();
        if (pos < n) {
            char after = sql.charAt(pos);
            int length = pos - wordStart;
            char first = sql.charAt(wordStart);
            if (after == '\'' && length == 1 && "EeXxBbNn".indexOf(first) >= 0) {
                boolean escapes = mysql || first == 'E' || first == 'e';
                return string('\'', escapes, pos + 1);
            }
            if (!mysql && length == 1 && (first == 'U' || first == 'u') && after == '&' && pos + 1 < n
                    && sql.charAt(pos + 1) == '\'') {
                return string('\'', false, pos + 2);
            }
            if (mysql && first == '_' && length > 1 && (after == '\'' || after == '"')) {
                return string(after, true, pos + 1);
            }
        }
        return Token.WORD;
    }

    /** A string whose opening quote ends before {@code from}; to the end of the text when unterminated. */
    private Token string(char quote, boolean backslashEscapes, int from) {
        int n = sql.length();
        int i = from;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\\' && backslashEscapes) {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    pos = i + 1;
                    return Token.STRING;
                }
            } else {
                i++;
            }
        }
        pos = n;
        return Token.STRING;
    }

    private Token quotedName(char quote) {
        string(quote, false, pos + 1);
        return Token.QUOTED_NAME;
    }

    private Token number() {
        int n = sql.length();
        char c = sql.charAt(pos);
        char radix = pos + 1 < n ? Character.toLowerCase(sql.charAt(pos + 1)) : 0;
        boolean fraction = false;
        if (c == '0' && (radix == 'x' || radix == 'b' || radix == 'o') && pos + 2 < n
                && isDigitOf(radix, sql.charAt(pos + 2))) {
            pos += 2;
            while (pos < n && (isDigitOf(radix, sql.charAt(pos)) || sql.charAt(pos) == '_')) {
                pos++;
            }
        } else {
            skipDigits();
            if (pos < n && sql.charAt(pos) == '.') {
                pos++;
                skipDigits();
                fraction = true;
            }
            if (pos < n && (sql.charAt(pos) == 'e' || sql.charAt(pos) == 'E')) {
                int exponent = pos + 1;
                if (exponent < n && (sql.charAt(exponent) == '+' || sql.charAt(exponent) == '-')) {
                    exponent++;
                }
                if (exponent < n && isDigit(sql.charAt(exponent))) {
                    pos = exponent;
                    skipDigits();
                }
            }
        }
        // MySQL names may start with digits (1st_table); a number never runs into letters. A name has no dot.
        if (!fraction && pos < n && isWordChar(sql.charAt(pos))) {
            skipWordChars();
            return Token.WORD;
        }
        return Token.NUMBER;
    }

    /** {@code $1}, or a dollar-quoted string {@code $tag$…$tag$}, or a lone {@code $}. */
    private Token dollar() {
        int n = sql.length();
        int i = pos + 1;
        if (i < n && isDigit(sql.charAt(i))) {
            pos = i;
            skipDigits();
            return Token.PLACEHOLDER;
        }
        if (i < n && isWordStart(sql.charAt(i))) {
            i++;
            while (i < n && isWordChar(sql.charAt(i)) && sql.charAt(i) != '$') {
                i++;
            }
        }
        if (i < n && sql.charAt(i) == '$') {
            String tag = sql.substring(pos, i + 1);
            int close = sql.indexOf(tag, i + 1);
            pos = close < 0 ? n : close + tag.length();
            return Token.STRING;
        }
        pos++;
        return Token.SYMBOL;
    }

    private void skipBlockComment() {
        int n = sql.length();
        int depth = 0;
        while (pos < n) {
            char c = sql.charAt(pos);
            char next = pos + 1 < n ? sql.charAt(pos + 1) : 0;
            if (c == '/' && next == '*' && (depth == 0 || !mysql)) {
                depth++;
                pos += 2;
            } else if (c == '*' && next == '/') {
                pos += 2;
                if (--depth == 0) {
                    return;
                }
            } else {
                pos++;
            }
        }
    }

    private boolean signPosition() {
        return previous == Token.END
                || previous == Token.SYMBOL && previousChar != ')' && previousChar != ']';
    }

    /**
     * Whether the token just before {@code i}, with nothing between, is a name (or a parenthesised expression), so
     * that a dot at {@code i} qualifies it ({@code t.2nd} in MySQL) instead of starting a number. Judged by the token,
     * not its last character, so that a value and the {@code ?} it becomes are judged alike.
     */
    private boolean endsName(int i) {
        return previousEnd == i && (previous == Token.WORD || previous == Token.QUOTED_NAME
                || previous == Token.SYMBOL && (previousChar == ')' || previousChar == ']'));
    }

    private void skipDigits() {
        while (pos < sql.length() && (isDigit(sql.charAt(pos)) || sql.charAt(pos) == '_')) {
            pos++;
        }
    }

    private void skipWordChars() {
        while (pos < sql.length() && isWordChar(sql.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDigitOf(char radix, char c) {
        return switch (radix) {
            case 'x' -> isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            case 'o' -> c >= '0' && c <= '7';
            default -> c == '0' || c == '1';
        };
    }

    private static boolean isWordStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
                || c >= 0x80 && (Character.isLetter(c) || Character.isSurrogate(c));
    }

    private static boolean isWordChar(char c) {
        return isWordStart(c) || isDigit(c) || c == '$'
                || c >= 0x80 && Character.isLetterOrDigit(c);
    }
}
