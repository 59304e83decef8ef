package io.tapwire.collector.bpf;

import java.util.List;

/**
 * Names in bpf/src/main/bpf/tapwire_process.bpf.c that the collector looks up at run time. This
 * object also owns the maps all Tapwire objects share (tapwire_common.bpf.h).
 */
public final class ProcessBpfObject {

    /** Packaged as /io/tapwire/bpf/tapwire_process.bpf.o. */
    public static final String OBJECT = "tapwire_process";
    /** Ring buffer of START, EXEC, EXIT and OOM_KILL records; its size in bytes is set with {@link BpfObject#resizeMap}. */
    public static final String EVENTS_MAP = "tapwire_process_events";

    /** Shared: per-CPU u64 counts of failed ring-buffer reservations, indexed by event type. */
    public static final String RINGBUF_DROPS_MAP = "tapwire_ringbuf_drops";
    /** Shared: excluded processes, u32 tgid → u32 reason (1 configured, 2 inherited from an excluded parent). */
    public static final String EXCLUDED_PIDS_MAP = "tapwire_excluded_pids";
    /** Shared: excluded local TCP ports, u16 port → u8 1. */
    public static final String EXCLUDED_PORTS_MAP = "tapwire_excluded_ports";

    /** Shared: one u64, bumped after every change the collector makes to the two exclusion maps. */
    public static final String EXCLUSIONS_VERSION_MAP = "tapwire_exclusions_version";

    /** The maps the other objects take from this one with {@link BpfObject#reuseMap}. */
    static final List<String> SHARED_MAPS = List.of(RINGBUF_DROPS_MAP, EXCLUDED_PIDS_MAP, EXCLUDED_PORTS_MAP,
            EXCLUSIONS_VERSION_MAP);

    private ProcessBpfObject() {
    }
}
