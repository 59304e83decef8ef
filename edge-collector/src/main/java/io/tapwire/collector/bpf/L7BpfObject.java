package io.tapwire.collector.bpf;

/** Names in bpf/src/main/bpf/tapwire_l7.bpf.c that the collector looks up at run time. */
public final class L7BpfObject {

    /** Packaged as /io/tapwire/bpf/tapwire_l7.bpf.o. */
    public static final String OBJECT = "tapwire_l7";
    /** Ring buffer of {@code struct tapwire_l7_event} records, each followed by its head and tail bytes. */
    public static final String EVENTS_MAP = "tapwire_l7_events";
    /** LRU hash: u64 struct sock address → the connection's classification. */
    public static final String CONNECTIONS_MAP = "tapwire_l7_conns";
    /** LRU hash: (tgid, fd) → what that fd's file is (socket, transport), while it holds the same file. */
    public static final String FDS_MAP = "tapwire_l7_fds";
    /** Array of one event-building slot per CPU, indexed by CPU number. */
    public static final String SCRATCH_MAP = "tapwire_l7_scratch";
    /** Array of u64 settings, TAPWIRE_L7_SETTING_*. */
    public static final String SETTINGS_MAP = "tapwire_l7_settings";
    static final int SETTING_HEAD_BYTES = 0;
    static final int SETTING_TAIL_BYTES = 1;
    /** TAPWIRE_L7_HEAD_CAP and TAPWIRE_L7_TAIL_CAP: the largest head and tail the kernel side can ship. */
    public static final int HEAD_CAP = 16384;
    public static final int TAIL_CAP = 1024;

    private L7BpfObject() {
    }
}
