package io.tapwire.streams.l7.postgres;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import io.tapwire.streams.l7.parse.DirectionStream;

/**
 * Where a connection stands in its set-up (protocol 3.x, "Message Flow: Start-up"): the frontend first sends untyped
 * openings (an SSLRequest or GSSENCRequest, each answered by one byte, then the StartupMessage; or a
 * CancelRequest on a connection of its own), the server then authenticates the client (AuthenticationRequest 'R'
 * and password messages 'p', possibly over several rounds), reports ParameterStatus and BackendKeyData, and ends the
 * set-up with its first ReadyForQuery. Only then are there requests to pair.
 *
 * <p>A connection the capture joined after it started (its first bytes are not at stream offset 0) is taken as
 * set up. An encryption request answered 'S' (TLS) or 'G' (GSSAPI) makes the rest of the connection opaque.
 */
final class PostgresStartup {

    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;
    /** StartupMessage: protocol 3.x, major version 3 in the high 16 bits. */
    private static final int PROTOCOL_3 = 3;
    private static final int OPENING_HEADER = 8;
    /** PostgreSQL refuses longer startup packets (MAX_STARTUP_PACKET_LENGTH). */
    private static final int MAX_OPENING = 10_000;

    private boolean openingExpected = true;
    private int answersDue;
    private boolean ready;
    private boolean encrypted;

    /** True while the frontend's next message is an untyped opening. */
    boolean openingExpected() {
        return openingExpected;
    }

    /** True while the server owes a one-byte answer to an SSLRequest or GSSENCRequest. */
    boolean answerDue() {
        return answersDue > 0;
    }

    /** True once authentication is over: the server's messages are responses from here on. */
    boolean ready() {
        return ready;
    }

    /** True once TLS or GSSAPI encryption was accepted: nothing more can be read. */
    boolean encrypted() {
        return encrypted;
    }

    /** The capture began after the connection's set-up. */
    void joinedMidConnection() {
        openingExpected = false;
        ready = true;
    }

    /** The server's first ReadyForQuery, or a client message only an authenticated client sends. */
    void authenticated() {
        openingExpected = false;
        ready = true;
    }

    /**
     * Reads the frontend's opening at the client stream's position. Returns false to wait for more bytes. Bytes that
     * are no opening (a client that skipped the set-up, or garbage) end the set-up: the typed framing takes over.
     */
    boolean readOpening(DirectionStream client) {
        int known = client.knownAhead();
        if (known < OPENING_HEADER) {
            if (client.atUncaptured() || client.position() + known < client.end()) {
                openingExpected = false;
                return true;
            }
            return false;
        }
        long length = PostgresFramer.int32(client, 0);
        int code = (int) PostgresFramer.int32(client, 4);
        boolean startup = code >>> 16 == PROTOCOL_3;
        boolean known3 = code == SSL_REQUEST || code == GSSENC_REQUEST || code == CANCEL_REQUEST || startup;
        if (length < OPENING_HEADER || length > MAX_OPENING || !known3) {
            joinedMidConnection();
            return true;
        }
        if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
            answersDue++;
        }
        if (startup) {
            openingExpected = false;
        }
        client.consume(length);
        return true;
    }

    /**
     * Reads the server's one-byte answer to an encryption request: 'N' (go on in clear), 'S' (TLS follows) or 'G'
     * (GSSAPI encryption follows). A server that does not know the request answers with an ErrorResponse instead,
     * which the typed framing then reads. Returns false to wait for the byte.
     */
    boolean readAnswer(DirectionStream server) {
        if (server.knownAhead() == 0) {
            if (server.atUncaptured()) {
                answersDue = 0;
                return true;
            }
            return false;
        }
        int answer = server.byteAt(0);
        if (answer == 'S' || answer == 'G') {
            encrypted = true;
            server.consume(1);
        } else if (answer == 'N') {
            answersDue--;
            server.consume(1);
        } else {
            answersDue = 0;
        }
        return true;
    }

    void writeState(DataOutput out) throws IOException {
        out.writeBoolean(openingExpected);
        out.writeInt(answersDue);
        out.writeBoolean(ready);
        out.writeBoolean(encrypted);
    }

    static PostgresStartup readState(DataInput in) throws IOException {
        PostgresStartup startup = new PostgresStartup();
        startup.openingExpected = in.readBoolean();
        startup.answersDue = in.readInt();
        startup.ready = in.readBoolean();
        startup.encrypted = in.readBoolean();
        if (startup.answersDue < 0) {
            throw new IOException("corrupt postgres parser state: " + startup.answersDue + " answers due");
        }
        return startup;
    }
}
