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

    static TcpRole ofCode(int code) {
        TcpRole[] roles = values();
        if (code < 0 || code >= roles.length) {
            throw new IllegalArgumentException("unknown TCP role " + code);
        }
        return roles[code];
    }
}
