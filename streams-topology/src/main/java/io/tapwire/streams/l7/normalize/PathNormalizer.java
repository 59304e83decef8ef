package io.tapwire.streams.l7.normalize;

/**
 * An HTTP resource as a low-cardinality label: path segments that identify one item ({@code /users/42},
 * {@code /orders/7c9e6679-7425-40de-944b-e07fc1f90ae7}) become {@code {id}}, so that {@code /users/{id}} is one series
 * however many users there are. It takes what the HTTP parser reports — the path with the query's parameter names and
 * without their values ({@code /a?x&y}) — and keeps the query as it comes: its names tell requests apart and are few.
 *
 * <p>A segment is an id when it is
 * <ul>
 * <li>a number: digits only;</li>
 * <li>a UUID: 8-4-4-4-12 hexadecimal digits;</li>
 * <li>a long hexadecimal string: 16 hexadecimal digits or more (hashes, Mongo ObjectIds, trace ids);</li>
 * <li>base64-ish: 20 characters or more from the base64 and base64url alphabets ({@code =} as padding at the end
 * only), with both a digit and a letter (tokens, short ids). A long slug with a digit in it
 * ({@code release-notes-2024-q1}) is taken for an id too; it names one item just the same.</li>
 * </ul>
 * Matrix parameters (RFC 3986 §3.3: {@code /cart;jsessionid=0A1B…}) are judged apart: the segment before the first
 * {@code ;}, then each parameter's value, its name kept. Servlet containers put session ids there.
 * Words, versions ({@code v2}, {@code 1.2.3}), dates and file names stay.
 *
 * <p>The result is at most {@link #maxLength()} characters, cut with {@code …}. One pass over the text, one buffer.
 * Instances are immutable and safe to share.
 */
public final class PathNormalizer {

    /** Longer than the paths of real APIs, once ids are replaced; short enough for a label. */
    public static final int DEFAULT_MAX_LENGTH = 256;
    public static final PathNormalizer DEFAULT = new PathNormalizer(DEFAULT_MAX_LENGTH);

    /** What an id segment becomes: the placeholder OpenAPI and most routers write. */
    public static final String ID = "{id}";

    private static final int MIN_HEX_LENGTH = 16;
    private static final int MIN_BASE64_LENGTH = 20;
    private static final int UUID_LENGTH = 36;
    private static final int MAX_MAX_LENGTH = 1 << 20;

    private final int maxLength;

    private PathNormalizer(int maxLength) {
        this.maxLength = maxLength;
    }

    /** Results cut to {@code maxLength} characters ({@code …} included). */
    public PathNormalizer withMaxLength(int maxLength) {
        if (maxLength < 1 || maxLength > MAX_MAX_LENGTH) {
            throw new IllegalArgumentException("the maximum length of a normalised path must be from 1 to "
                    + MAX_MAX_LENGTH + ", not " + maxLength);
        }
        return new PathNormalizer(maxLength);
    }

    public int maxLength() {
        return maxLength;
    }

    /** {@code resource} with its ids replaced; null for null. */
    public String normalize(String resource) {
        if (resource == null) {
            return null;
        }
        int length = resource.length();
        int query = resource.indexOf('?');
        int pathEnd = query < 0 ? length : query;
        StringBuilder out = new StringBuilder(Math.min(length, maxLength + 1));
        int from = 0;
        while (true) {
            int slash = resource.indexOf('/', from);
            int segmentEnd = slash < 0 || slash > pathEnd ? pathEnd : slash;
            appendSegment(resource, from, segmentEnd, out);
            if (segmentEnd == pathEnd) {
                break;
            }
            out.append('/');
            from = segmentEnd + 1;
        }
        out.append(resource, pathEnd, length);
        return capped(out);
    }

    private static void appendSegment(String text, int from, int to, StringBuilder out) {
        int semicolon = indexOf(text, ';', from, to);
        appendPiece(text, from, semicolon, out);
        while (semicolon < to) {
            int parameter = semicolon + 1;
            semicolon = indexOf(text, ';', parameter, to);
            int equals = indexOf(text, '=', parameter, semicolon);
            out.append(';').append(text, parameter, equals);
            if (equals < semicolon) {
                out.append('=');
                appendPiece(text, equals + 1, semicolon, out);
            }
        }
    }

    private static void appendPiece(String text, int from, int to, StringBuilder out) {
        if (isId(text, from, to)) {
            out.append(ID);
        } else {
            out.append(text, from, to);
        }
    }

    static boolean isId(String text, int from, int to) {
        int length = to - from;
        if (length == 0) {
            return false;
        }
        boolean digitsOnly = true;
        boolean hexOnly = true;
        boolean base64 = true;
        boolean digit = false;
        boolean letter = false;
        int padding = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            boolean isDigit = c >= '0' && c <= '9';
            boolean isLetter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            digit |= isDigit;
            letter |= isLetter;
            digitsOnly &= isDigit;
            hexOnly &= isDigit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (c == '=') {
                padding++;
            } else {
                base64 &= padding == 0 && (isDigit || isLetter || c == '-' || c == '_' || c == '+');
            }
        }
        return digitsOnly
                || hexOnly && length >= MIN_HEX_LENGTH
                || length == UUID_LENGTH && isUuid(text, from)
                || base64 && padding <= 2 && digit && letter && length >= MIN_BASE64_LENGTH;
    }

    private static boolean isUuid(String text, int from) {
        for (int i = 0; i < UUID_LENGTH; i++) {
            char c = text.charAt(from + i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (dash ? c != '-' : !hex) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(String text, char c, int from, int to) {
        int i = text.indexOf(c, from);
        return i < 0 || i > to ? to : i;
    }

    private String capped(StringBuilder out) {
        if (out.length() <= maxLength) {
            return out.toString();
        }
        int cut = maxLength - StatementNormalizer.CUT.length();
        if (cut > 0 && Character.isHighSurrogate(out.charAt(cut - 1))) {
            cut--;
        }
        return out.substring(0, cut) + StatementNormalizer.CUT;
    }
}
