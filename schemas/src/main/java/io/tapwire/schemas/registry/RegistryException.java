package io.tapwire.schemas.registry;

/**
 * An error answered by a Confluent-compatible schema registry: the HTTP status, Confluent's {@code error_code}
 * and its message. Subclasses name the codes a caller may want to handle.
 */
public class RegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    public RegistryException(int httpStatus, int errorCode, String message) {
        super(message + " (HTTP " + httpStatus + ", error_code " + errorCode + ")");
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
        this.errorCode = -1;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's error code (40401, 42201, ...), or the HTTP status when the registry sent none; -1 for I/O. */
    public int errorCode() {
        return errorCode;
    }

    /** The typed exception for a registry's error answer. */
    static RegistryException of(int httpStatus, int errorCode, String message) {
        return switch (errorCode) {
            case 40401 -> new SubjectNotFound(httpStatus, errorCode, message);
            case 40402 -> new VersionNotFound(httpStatus, errorCode, message);
            case 40403 -> new SchemaNotFound(httpStatus, errorCode, message);
            case 409, 40901 -> new IncompatibleSchema(httpStatus, errorCode, message);
            case 42201 -> new InvalidSchema(httpStatus, errorCode, message);
            case 42202 -> new InvalidVersion(httpStatus, errorCode, message);
            case 42203 -> new InvalidCompatibilityLevel(httpStatus, errorCode, message);
            default -> httpStatus >= 500
                    ? new ServerError(httpStatus, errorCode, message)
                    : new RegistryException(httpStatus, errorCode, message);
        };
    }

    /** 40401: the subject does not exist. */
    public static final class SubjectNotFound extends RegistryException {
        SubjectNotFound(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** 40402: the subject has no such version. */
    public static final class VersionNotFound extends RegistryException {
        VersionNotFound(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** 40403: no schema has this id, or the schema is not registered under the subject. */
    public static final class SchemaNotFound extends RegistryException {
        SchemaNotFound(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** 409: the schema breaks the subject's compatibility level. */
    public static final class IncompatibleSchema extends RegistryException {
        IncompatibleSchema(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** 42201: the schema does not parse. */
    public static final class InvalidSchema extends RegistryException {
        InvalidSchema(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** 42202: the version is not a number, "latest" or -1. */
    public static final class InvalidVersion extends RegistryException {
        InvalidVersion(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** 42203: unknown compatibility level. */
    public static final class InvalidCompatibilityLevel extends RegistryException {
        InvalidCompatibilityLevel(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** A 5xx answer that persisted through the retries. */
    public static final class ServerError extends RegistryException {
        ServerError(int status, int code, String message) {
            super(status, code, message);
        }
    }

    /** The registry could not be reached (connection refused, timeout) through the retries. */
    public static final class Unavailable extends RegistryException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
