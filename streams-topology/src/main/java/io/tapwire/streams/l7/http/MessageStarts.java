package io.tapwire.streams.l7.http;

import io.tapwire.streams.l7.parse.LineResynchroniser;

/**
 * The lines HTTP is found again at after the boundaries of a direction were lost ({@link
 * LineResynchroniser.LineStart}): a request line of a method clients commonly send, a status line, or — for a chunked
 * response body whose chunk sizes were lost — its last chunk {@code 0 CRLF CRLF}.
 */
final class MessageStarts {

    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private MessageStarts() {
    }

    static int request(byte[] bytes, int from, int length) {
        if (length - from < HttpHead.START_PREFIX) {
            return LineResynchroniser.MORE;
        }
        return HttpHead.looksLikeRequestLine(bytes, from, length) ? 0 : LineResynchroniser.NO;
    }

    static int response(byte[] bytes, int from, int length) {
        if (length - from < HttpHead.START_PREFIX) {
            return LineResynchroniser.MORE;
        }
        return HttpHead.looksLikeStatusLine(bytes, from, length) ? 0 : LineResynchroniser.NO;
    }

    /** The last chunk of the chunked body being read (its length, to pass it), else a status line. */
    static int lastChunkOrResponse(byte[] bytes, int from, int length) {
        return startsWith(bytes, from, length, LAST_CHUNK) ? LAST_CHUNK.length : response(bytes, from, length);
    }

    private static boolean startsWith(byte[] bytes, int from, int length, byte[] prefix) {
        if (length - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
