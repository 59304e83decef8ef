package io.tapwire.collector.bpf;

/** Names in bpf/src/main/bpf/tapwire_tcp.bpf.c that the collector looks up at run time. */
public final class TcpBpfObject {

    /** Packaged as /io/tapwire/bpf/tapwire_tcp.bpf.o. */
    public static final String OBJECT = "tapwire_tcp";
    /** Ring buffer of {@code struct tapwire_tcp_event}. */
    public static final String EVENTS_MAP = "tapwire_tcp_events";
    /** LRU hash of live sockets: u64 struct sock address → {@code struct tapwire_socket} (owner, role, inode). */
    public static final String SOCKETS_MAP = "tapwire_sockets";
    /** Array of u64 settings, TAPWIRE_TCP_SETTING_*. */
    public static final String SETTINGS_MAP = "tapwire_tcp_settings";
    /** TAPWIRE_TCP_SETTING_STATS_INTERVAL_NS: the index of the STATS interval in {@link #SETTINGS_MAP}. */
    static final int SETTING_STATS_INTERVAL_NS = 0;

    private TcpBpfObject() {
    }
}
