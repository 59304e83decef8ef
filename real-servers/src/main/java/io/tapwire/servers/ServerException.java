package io.tapwire.servers;

/**
 * A real server or client could not do what was asked: not installed (the message names the Debian package), did
 * not start, exited with an error, or answered something unexpected. The message is for the user or the test log.
 */
public final class ServerException extends RuntimeException {

    public ServerException(String message) {
        super(message);
    }

    public ServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
