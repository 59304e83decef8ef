package io.tapwire.kafka.registry;

/**
 * The errors of the Confluent Schema Registry API v1, with its HTTP statuses and error codes (API reference,
 * "Errors" and the status codes listed under each endpoint). Messages follow Confluent's wording where clients are
 * known to show it to users, and always name the subject, version or id involved.
 */
final class RegistryErrors {

    static final int SUBJECT_NOT_FOUND = 40401;
    static final int VERSION_NOT_FOUND = 40402;
    static final int SCHEMA_NOT_FOUND = 40403;
    static final int SUBJECT_SOFT_DELETED = 40404;
    static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    static final int VERSION_SOFT_DELETED = 40406;
    static final int VERSION_NOT_SOFT_DELETED = 40407;
    static final int INCOMPATIBLE_SCHEMA = 409;
    static final int INVALID_SCHEMA = 42201;
    static final int INVALID_VERSION = 42202;
    static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    static final int STORE_ERROR = 50001;
    static final int OPERATION_TIMEOUT = 50002;
    static final int FORWARDING_ERROR = 50003;

    private RegistryErrors() {
    }

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(String subject, int version) {
        return new RegistryException(404, VERSION_NOT_FOUND,
                "Version " + version + " not found for subject '" + subject + "'.");
    }

    static RegistryException schemaNotFound(int id) {
        return new RegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    static RegistryException schemaNotFoundUnder(String subject) {
        return new RegistryException(404, SCHEMA_NOT_FOUND,
                "Schema not found: the schema is not registered under subject '" + subject + "'");
    }

    static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(404, SUBJECT_SOFT_DELETED, "Subject '" + subject
                + "' was soft deleted. Set permanent=true to delete permanently");
    }

    static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(404, SUBJECT_NOT_SOFT_DELETED, "Subject '" + subject
                + "' was not deleted first before being permanently deleted");
    }

    static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(404, VERSION_SOFT_DELETED, "Version " + version + " of subject '" + subject
                + "' was soft deleted. Set permanent=true to delete permanently");
    }

    static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(404, VERSION_NOT_SOFT_DELETED, "Version " + version + " of subject '" + subject
                + "' was not deleted first before being permanently deleted");
    }

    /**
     * GET /config/{subject} of a subject without its own level. The API reference documents 40401 for this
     * endpoint, so that is the code; the message says which case it is.
     */
    static RegistryException subjectLevelConfigNotFound(String subject) {
        return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject
                + "' does not have subject-level compatibility configured; add ?defaultToGlobal=true for the global level");
    }

    static RegistryException incompatibleSchema(String subject, Iterable<String> details) {
        return new RegistryException(409, INCOMPATIBLE_SCHEMA,
                "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                        + "\", details: " + String.join("; ", details));
    }

    static RegistryException invalidSchema(String reason) {
        return new RegistryException(422, INVALID_SCHEMA, "Invalid schema: " + reason);
    }

    static RegistryException invalidVersion(String version) {
        return new RegistryException(422, INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(422, INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '" + level
                + "'. Valid values are " + CompatibilityLevel.validNames());
    }

    /** A required field of the request body is missing (the API reference's own example: "schema may not be empty"). */
    static RegistryException missingField(String field) {
        return new RegistryException(422, 422, field + " may not be empty");
    }

    static RegistryException malformedJson(String detail) {
        return new RegistryException(400, 400, "Malformed JSON request body: " + detail);
    }

    static RegistryException unsupportedMediaType(String contentType) {
        return new RegistryException(415, 415, "Unsupported Content-Type '" + contentType
                + "': send application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json or application/json");
    }

    static RegistryException notFound(String path) {
        return new RegistryException(404, 404, "HTTP 404 Not Found: no resource at " + path);
    }

    static RegistryException methodNotAllowed(String method, String path) {
        return new RegistryException(405, 405, "HTTP 405 Method Not Allowed: " + method + " " + path);
    }

    static RegistryException storeError(String detail, Throwable cause) {
        return new RegistryException(500, STORE_ERROR, "Error in the backend data store: " + detail, cause);
    }

    static RegistryException timeout(String detail) {
        return new RegistryException(500, OPERATION_TIMEOUT, "Operation timed out: " + detail);
    }

    static RegistryException forwardingFailed(String detail, Throwable cause) {
        return new RegistryException(500, FORWARDING_ERROR,
                "Error while forwarding the request to the leader: " + detail, cause);
    }
}
