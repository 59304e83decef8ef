package io.tapwire.collector.bpf;

/**
 * TCP states in the kernel's numbering (include/net/tcp_states.h), as the tracepoints report them and as
 * {@code /proc/net/tcp} prints them in its {@code st} column; the names are the kernel's, as the Avro
 * TcpEvent.tcpState field wants them.
 */
public enum TcpState {
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

    /** {@code values()} copies its array on every call. */
    private static final TcpState[] BY_CODE = values();

    /** The state of a kernel state number; UNKNOWN for a number this enum does not know. */
    public static TcpState ofCode(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }
}
