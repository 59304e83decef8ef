package io.tapwire.kafka.registry;

/**
 * A request the registry refuses or cannot complete, carrying the HTTP status and the Confluent error code that the
 * API answers with ({@code {"error_code": ..., "message": ...}}). Build them with {@link RegistryErrors}.
 */
public final class RegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    RegistryException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, null);
    }

    RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's error code: the HTTP status for generic errors, or a five-digit refinement such as 40401. */
    public int errorCode() {
        return errorCode;
    }
}
