package io.tapwire.collector.bpf;

/** Names in bpf/src/main/bpf/tapwire_process.bpf.c that the collector looks up at run time. */
public final class ProcessBpfObject {

    /** Packaged as /io/tapwire/bpf/tapwire_process.bpf.o. */
    public static final String OBJECT = "tapwire_process";
    /** Ring buffer of {@code struct tapwire_exec_event}; its size in bytes is set with {@link BpfObject#resizeMap}. */
    public static final String EXEC_EVENTS_MAP = "tapwire_exec_events";
    /** Per-CPU u64 counts of failed ring-buffer reservations, indexed by event type. */
    public static final String RINGBUF_DROPS_MAP = "tapwire_ringbuf_drops";

    private ProcessBpfObject() {
    }
}
