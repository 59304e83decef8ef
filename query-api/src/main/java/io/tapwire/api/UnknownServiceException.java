package io.tapwire.api;

/** A service named in the path that no read model knows; answered with 404 and a JSON error naming the parameter. */
public final class UnknownServiceException extends RuntimeException {

    private final String parameter;

    public UnknownServiceException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
