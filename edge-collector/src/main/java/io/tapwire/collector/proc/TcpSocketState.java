package io.tapwire.collector.proc;

/**
 * TCP states as {@code /proc/net/tcp} numbers them in its {@code st} column (include/net/tcp_states.h). The names
 * are the kernel's, as the raw records carry them.
 */
public enum TcpSocketState {
    UNKNOWN,
    ESTABLISHED,
    SYN_SENT,
    SYN_RECV,
    FIN_WAIT1,
    FIN_WAIT2,
    TIME_WAIT,
    CLOSE,
    CLOSE_WAIT,
    LAST_ACK,
    LISTEN,
    CLOSING,
    NEW_SYN_RECV;

    /** The state of a kernel state number; UNKNOWN for a number this enum does not know. */
    public static TcpSocketState ofCode(int code) {
        TcpSocketState[] states = values();
        return code > 0 && code < states.length ? states[code] : UNKNOWN;
    }
}
