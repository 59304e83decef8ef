package io.tapwire.collector.bpf;

/** Which end of a connection a socket is ({@code TAPWIRE_ROLE_*}, in the Avro ConnectionRole's order). */
public enum TcpRole {
    /** First seen mid-life: a socket older than the collector, or one nobody was seen connecting or accepting. */
    UNKNOWN,
    /** connect() */
    CLIENT,
    /** returned by accept() */
    SERVER,
    /** listen() */
    LISTENER;

    /** {@code values()} copies its array on every call; this runs for every L7 and TCP record. */
    private static final TcpRole[] BY_CODE = values();

    static TcpRole ofCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown TCP role " + code);
        }
        return BY_CODE[code];
    }
}
