package io.tapwire.collector.redact;

/**
 * PostgreSQL, client direction: masks the body of every message of type {@code 'p'}, the family that carries a
 * cleartext password, an MD5 hash, a SASL (SCRAM) initial response or response, or GSSAPI/SSPI data. The type byte
 * and the length stay, so the stream side still frames the connection.
 *
 * <p>Walks the messages of the syscall by their length fields: type byte + int32 big-endian length counting itself
 * (protocol 3.x, "Message Formats"). At position 0 only, an untyped opening (int32 length + int32 code: a startup
 * message of protocol 3.x, SSLRequest 80877103, GSSENCRequest 80877104 or CancelRequest 80877102) is skipped by its
 * length. A length may point past the head: the body is then masked to the head's end and, where it reaches the
 * tail's positions, in the tail; a message whose header lies in the tail is walked there too. When the header of a
 * {@code 'p'} is cut by the unseen middle of the syscall its end is unknown, so everything after its type byte is
 * masked, the whole tail included. The walk stops at an unseen header, at a type no frontend message has, or at a
 * length below 4, which is where a head that does not start at a message boundary ends up; libpq sends each
 * password message at the start of its own write, so that costs nothing in practice.
 *
 * <p>Cost: one look at each message header; no allocation.
 */
final class PostgresPasswordRedaction implements Redaction {

    private static final int PASSWORD_MESSAGE = 'p';
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final int PROTOCOL_3 = 3;
    private static final int UNTYPED_HEADER = 8;
    private static final long UNSEEN = Long.MIN_VALUE;

    /** Types of the messages a frontend sends once started (protocol 3.x, "Message Formats"). */
    private static final boolean[] FRONTEND_TYPES = new boolean[256];

    static {
        for (char type : "BCdcfDEHFpPQSX".toCharArray()) {
            FRONTEND_TYPES[type] = true;
        }
    }

    @Override
    public void redact(CapturedPayload payload) {
        long position = untypedOpeningLength(payload);
        while (position < payload.count()) {
            int type = payload.byteAt(position);
            if (type < 0 || !FRONTEND_TYPES[type]) {
                return;
            }
            long length = int32At(payload, position + 1);
            if (length == UNSEEN) {
                if (type == PASSWORD_MESSAGE) {
                    payload.mask(position + 5, payload.count());
                }
                return;
            }
            if (length < 4) {
                return;
            }
            long end = position + 1 + length;
            if (type == PASSWORD_MESSAGE) {
                payload.mask(position + 5, end);
            }
            position = end;
        }
    }

    private static long untypedOpeningLength(CapturedPayload payload) {
        // A typed message starts with a letter, so a zero first byte can only be a length below 2^24.
        if (payload.byteAt(0) != 0) {
            return 0;
        }
        long length = int32At(payload, 0);
        long code = int32At(payload, 4);
        if (length < UNTYPED_HEADER || code == UNSEEN) {
            return 0;
        }
        boolean untyped = code == SSL_REQUEST || code == GSSENC_REQUEST || code == CANCEL_REQUEST
                || code >>> 16 == PROTOCOL_3;
        return untyped ? length : 0;
    }

    /** The signed int32 at {@code position}, or {@link #UNSEEN} when one of its bytes was not kept. */
    private static long int32At(CapturedPayload payload, long position) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int b = payload.byteAt(position + i);
            if (b < 0) {
                return UNSEEN;
            }
            value = value << 8 | b;
        }
        return value;
    }
}
